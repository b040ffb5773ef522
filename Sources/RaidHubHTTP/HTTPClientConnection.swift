import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One kept-alive HTTP/1.1 client connection on a POSIX socket, with blocking calls and no
/// timeout: made for the Lambda Runtime API, whose `GET /next` may wait for hours. Reconnects
/// once when the server has closed an idle connection.
public final class HTTPClientConnection: @unchecked Sendable {
    private let host: String
    private let port: String
    private var descriptor: Int32 = -1
    private var parser = HTTPResponseParser()
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)

    /// A connection to `hostAndPort` (`127.0.0.1:9001`), opened on first use.
    public init(hostAndPort: String) throws(HTTPClientError) {
        guard let colon = hostAndPort.lastIndex(of: ":"), !hostAndPort[..<colon].isEmpty, UInt16(hostAndPort[hostAndPort.index(after: colon)...]) != nil else {
            throw .invalidAddress(hostAndPort)
        }
        host = String(hostAndPort[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        port = String(hostAndPort[hostAndPort.index(after: colon)...])
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    /// Sends one request and returns its response.
    public func send(method: String, path: String, headers: [HTTPField] = [], body: [UInt8] = []) throws(HTTPClientError) -> HTTPResponseParser.Response {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\n"
        for field in headers { head += "\(field.name): \(field.value)\r\n" }
        head += "Content-Length: \(body.count)\r\n\r\n"
        let request = Array(head.utf8) + body
        let wasOpen = descriptor >= 0
        do {
            return try exchange(request)
        } catch .connectionClosed where wasOpen {
            // The server closed a kept-alive connection while it was idle: reconnect once.
            closeConnection()
            return try exchange(request)
        }
    }

    private func exchange(_ request: [UInt8]) throws(HTTPClientError) -> HTTPResponseParser.Response {
        if descriptor < 0 { try open() }
        var sent = 0
        while sent < request.count {
            let count = request.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw .connectionClosed }
            sent += count
        }
        while true {
            do {
                if let response = try parser.next() { return response }
            } catch {
                closeConnection()
                throw .malformedResponse(error.description)
            }
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                closeConnection()
                throw .connectionClosed
            }
            parser.append(buffer[0..<count])
        }
    }

    private func open() throws(HTTPClientError) {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, port, &hints, &results) == 0, let first = results else { throw .unreachable("cannot resolve \(host)") }
        defer { freeaddrinfo(results) }
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let address = candidate {
            let socket = Glibc.socket(address.pointee.ai_family, address.pointee.ai_socktype, address.pointee.ai_protocol)
            if socket >= 0, connect(socket, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 {
                var noDelay: Int32 = 1
                setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
                descriptor = socket
                parser = HTTPResponseParser()
                return
            }
            if socket >= 0 { close(socket) }
            candidate = address.pointee.ai_next
        }
        throw .unreachable("connection to \(host):\(port) refused")
    }

    private func closeConnection() {
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
    }
}

/// Why an HTTP exchange failed.
public enum HTTPClientError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidAddress(String)
    case unreachable(String)
    case connectionClosed
    case malformedResponse(String)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .invalidAddress(let address): "'\(address)' is not host:port"
        case .unreachable(let reason): reason
        case .connectionClosed: "the server closed the connection"
        case .malformedResponse(let reason): "malformed response: \(reason)"
        }
    }
}
