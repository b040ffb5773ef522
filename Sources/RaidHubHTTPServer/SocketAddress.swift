import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A listening TCP socket on IPv4 or IPv6.
struct SocketAddress {
    let descriptor: Int32
    let port: UInt16

    /// Binds `host` (an address, IPv4 or IPv6, or a name such as `localhost`, resolved with
    /// getaddrinfo: the first address that binds wins) and listens.
    static func listen(host: String, port: UInt16) throws(HTTPServerError) -> SocketAddress {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &found) == 0, let first = found else { throw .invalidHost(host) }
        defer { freeaddrinfo(first) }
        var lastError: HTTPServerError = .invalidHost(host)
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            candidate = info.pointee.ai_next
            // Close-on-exec: a function process started later must not hold the listener.
            let descriptor = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard descriptor >= 0 else { lastError = .socket("socket", errno: errno); continue }
            var reuse: Int32 = 1
            setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
            guard bind(descriptor, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
                lastError = .socket("bind \(host):\(port)", errno: errno)
                close(descriptor)
                continue
            }
            guard Glibc.listen(descriptor, 512) == 0 else {
                lastError = .socket("listen", errno: errno)
                close(descriptor)
                continue
            }
            var actual = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            _ = withUnsafeMutablePointer(to: &actual) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
            }
            let family = Int32(actual.ss_family)
            let boundPort = withUnsafePointer(to: &actual) { pointer -> UInt16 in
                if family == AF_INET6 {
                    return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin6_port) }
                }
                return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) }
            }
            return SocketAddress(descriptor: descriptor, port: boundPort)
        }
        throw lastError
    }
}
