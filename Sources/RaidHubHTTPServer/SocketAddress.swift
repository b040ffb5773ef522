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
            return SocketAddress(descriptor: descriptor, port: SocketAddress.port(of: descriptor, getsockname))
        }
        throw lastError
    }

    /// The address (4 or 16 bytes, network order) and port at the other end of a connected
    /// socket; empty and 0 if they cannot be read.
    static func peer(of descriptor: Int32) -> (address: [UInt8], port: UInt16) {
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let status = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(descriptor, $0, &length) }
        }
        guard status == 0 else { return ([], 0) }
        let family = Int32(address.ss_family)
        return withUnsafePointer(to: &address) { pointer in
            if family == AF_INET6 {
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    (withUnsafeBytes(of: $0.pointee.sin6_addr) { Array($0) }, UInt16(bigEndian: $0.pointee.sin6_port))
                }
            }
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                (withUnsafeBytes(of: $0.pointee.sin_addr) { Array($0) }, UInt16(bigEndian: $0.pointee.sin_port))
            }
        }
    }

    /// The port of the address `read` (getsockname or getpeername) gives for `descriptor`.
    private static func port(of descriptor: Int32, _ read: (Int32, UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> Int32) -> UInt16 {
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let status = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { read(descriptor, $0, &length) }
        }
        guard status == 0 else { return 0 }
        let family = Int32(address.ss_family)
        // sin_port and sin6_port sit at the same offset, but each is read as its own type.
        return withUnsafePointer(to: &address) { pointer -> UInt16 in
            if family == AF_INET6 {
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin6_port) }
            }
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) }
        }
    }
}
