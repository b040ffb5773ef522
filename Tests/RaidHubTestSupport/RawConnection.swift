import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A bare TCP connection for testing a server byte for byte: no client library between the
/// test and what goes over the socket.
public final class RawConnection {
    /// The socket.
    public let descriptor: Int32

    /// Connects to `host` (an IPv4 or IPv6 address) and `port`; reads give up after 60 s (a patience, not a bound: a busy machine never needs it).
    public init(host: String = "127.0.0.1", port: UInt16) throws {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &found) == 0, let info = found else { throw POSIXError(.EINVAL) }
        defer { freeaddrinfo(info) }
        descriptor = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
        guard connect(descriptor, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else { throw POSIXError(.ECONNREFUSED) }
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(descriptor) }

    /// Sets how long a read may wait before it gives up (and reads as closed).
    public func setReadTimeout(milliseconds: Int) {
        var timeout = timeval(tv_sec: milliseconds / 1000, tv_usec: (milliseconds % 1000) * 1000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Whatever arrives until the server closes or a read times out.
    public func readAll() -> [UInt8] {
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return data }
            data += buffer[0..<count]
        }
    }

    /// What one read returns (empty when it times out or the server closed).
    public func readSome() -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        return count > 0 ? Array(buffer[0..<count]) : []
    }

    /// Sends `text` as is.
    public func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Half-closes the connection, as `nc -N` and some proxies do after a request: the server
    /// reads the end of input, and may still answer.
    public func finishSending() {
        _ = shutdown(descriptor, Int32(SHUT_WR))
    }

    /// One response: status, headers and a body of its Content-Length; nil when the server closed.
    public func readResponse() -> (status: Int, headers: [String: String], body: String)? {
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            if let headEnd = find(data, "\r\n\r\n") {
                let head = String(decoding: data[..<headEnd], as: UTF8.self).components(separatedBy: "\r\n")
                var headers: [String: String] = [:]
                for line in head.dropFirst() {
                    let parts = line.split(separator: ":", maxSplits: 1)
                    headers[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces)
                }
                let length = Int(headers["content-length"] ?? "0") ?? 0
                if data.count - headEnd - 4 >= length {
                    let status = Int(head[0].split(separator: " ")[1]) ?? 0
                    return (status, headers, String(decoding: data[(headEnd + 4)..<(headEnd + 4 + length)], as: UTF8.self))
                }
            }
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return nil }
            data += buffer[0..<count]
        }
    }

    /// Whether something (data, or the end of the stream) can be read within `milliseconds`.
    public func isReadable(within milliseconds: Int32) -> Bool {
        var descriptor = pollfd(fd: self.descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, milliseconds) > 0
    }

    /// Whether the server has closed the connection: the end of the stream, or a reset (a
    /// server closing with bytes of ours unread resets the connection).
    public func isClosedByServer() -> Bool {
        var byte: UInt8 = 0
        let count = recv(descriptor, &byte, 1, 0)
        return count == 0 || count < 0 && errno == ECONNRESET
    }

    private func find(_ data: [UInt8], _ text: String) -> Int? {
        let needle = Array(text.utf8)
        guard data.count >= needle.count else { return nil }
        return (0...(data.count - needle.count)).first { data[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
