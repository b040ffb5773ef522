#if canImport(Glibc)
import Glibc
#endif

/// One kept-alive HTTP/1.1 client connection on a POSIX socket, with blocking calls and no
/// timeout: made for the Lambda Runtime API, whose `GET /next` may wait for hours. Reconnects
/// once when the server has closed an idle connection.
///
/// The server is an IP address (or `localhost`), never a name to resolve: the Runtime API's
/// address is always one, and a name lookup would make a static executable depend on glibc's
/// NSS libraries at run time.
public final class HTTPClientConnection: @unchecked Sendable {
    private let address: ServerAddress
    private var descriptor: Int32 = -1
    private var parser = HTTPResponseParser()
    /// Reused for every request head and every read: a warm instance allocates nothing here.
    private var head: [UInt8] = []
    /// Left uninitialised: a zero-filled buffer would touch all 16 of its pages at start-up,
    /// part of every cold start, where a Runtime API answer fills one or two.
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 1)

    /// A connection to `hostAndPort` (`127.0.0.1:9001`, `[::1]:9001`, `localhost:9001`), opened on first use.
    public init(hostAndPort: String) throws(HTTPClientError) {
        guard let address = ServerAddress(hostAndPort) else { throw .invalidAddress(hostAndPort) }
        self.address = address
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
        buffer.deallocate()
    }

    /// Sends one request and returns its response.
    public func send(method: String, path: String, headers: [HTTPField] = [], body: [UInt8] = []) throws(HTTPClientError) -> HTTPResponseParser.Response {
        writeHead(method: method, path: path, headers: headers, bodyCount: body.count)
        let wasOpen = descriptor >= 0
        do {
            return try exchange(body)
        } catch .connectionClosed where wasOpen {
            // The server closed a kept-alive connection while it was idle: reconnect once.
            closeConnection()
            return try exchange(body)
        }
    }

    private func writeHead(method: String, path: String, headers: [HTTPField], bodyCount: Int) {
        head.removeAll(keepingCapacity: true)
        head.append(contentsOf: method.utf8)
        head.append(0x20)
        head.append(contentsOf: path.utf8)
        head.append(contentsOf: " HTTP/1.1\r\nHost: ".utf8)
        head.append(contentsOf: address.hostHeader.utf8)
        for field in headers {
            head.append(contentsOf: "\r\n".utf8)
            head.append(contentsOf: field.name.utf8)
            head.append(contentsOf: ": ".utf8)
            head.append(contentsOf: field.value.utf8)
        }
        head.append(contentsOf: "\r\nContent-Length: ".utf8)
        head.append(contentsOf: String(bodyCount).utf8)
        head.append(contentsOf: "\r\n\r\n".utf8)
    }

    private func exchange(_ body: [UInt8]) throws(HTTPClientError) -> HTTPResponseParser.Response {
        if descriptor < 0 { try open() }
        try sendAll(head, body)
        while true {
            do {
                if let response = try parser.next() { return response }
            } catch {
                closeConnection()
                throw .malformedResponse(error.description)
            }
            let count = recv(descriptor, buffer.baseAddress, buffer.count, 0)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                closeConnection()
                throw .connectionClosed
            }
            parser.append(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
    }

    /// Head and body in one `sendmsg` (one segment for a small request, no copy of the body).
    private func sendAll(_ head: [UInt8], _ body: [UInt8]) throws(HTTPClientError) {
        var sent = 0
        let total = head.count + body.count
        while sent < total {
            let count = head.withUnsafeBytes { head in
                body.withUnsafeBytes { body in
                    let headRest = max(0, head.count - sent)
                    let bodyOffset = sent - (head.count - headRest)
                    var parts = (
                        iovec(iov_base: UnsafeMutableRawPointer(mutating: head.baseAddress.map { $0 + (head.count - headRest) }), iov_len: headRest),
                        iovec(iov_base: UnsafeMutableRawPointer(mutating: body.baseAddress.map { $0 + bodyOffset }), iov_len: body.count - bodyOffset))
                    return withUnsafeMutableBytes(of: &parts) { parts in
                        var message = msghdr()
                        message.msg_iov = parts.baseAddress!.assumingMemoryBound(to: iovec.self)
                        message.msg_iovlen = 2
                        return sendmsg(descriptor, &message, Int32(MSG_NOSIGNAL))
                    }
                }
            }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw .connectionClosed }
            sent += count
        }
    }

    private func open() throws(HTTPClientError) {
        let socket = Glibc.socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard socket >= 0 else { throw .unreachable("cannot open a socket (errno \(errno))") }
        guard address.connect(socket) == 0 else {
            close(socket)
            throw .unreachable("connection to \(address.hostHeader) refused")
        }
        var noDelay: Int32 = 1
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
        descriptor = socket
        parser = HTTPResponseParser()
    }

    private func closeConnection() {
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
    }
}

/// An IPv4 or IPv6 address and port, read from `host:port` without any name lookup.
private struct ServerAddress {
    let family: Int32
    let hostHeader: String
    private let storage: sockaddr_storage

    init?(_ hostAndPort: String) {
        guard let colon = hostAndPort.lastIndex(of: ":"), let port = UInt16(hostAndPort[hostAndPort.index(after: colon)...]) else { return nil }
        var host = String(hostAndPort[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host == "localhost" { host = "127.0.0.1" }
        var storage = sockaddr_storage()
        let parsed: Bool = withUnsafeMutableBytes(of: &storage) { raw in
            if host.contains(":") {
                let address = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in6.self)
                address.pointee.sin6_family = sa_family_t(AF_INET6)
                address.pointee.sin6_port = port.bigEndian
                return inet_pton(AF_INET6, host, &address.pointee.sin6_addr) == 1
            }
            let address = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in.self)
            address.pointee.sin_family = sa_family_t(AF_INET)
            address.pointee.sin_port = port.bigEndian
            return inet_pton(AF_INET, host, &address.pointee.sin_addr) == 1
        }
        guard parsed else { return nil }
        self.storage = storage
        family = host.contains(":") ? AF_INET6 : AF_INET
        hostHeader = family == AF_INET6 ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    func connect(_ socket: Int32) -> Int32 {
        var storage = storage
        let length = socklen_t(family == AF_INET6 ? MemoryLayout<sockaddr_in6>.size : MemoryLayout<sockaddr_in>.size)
        return withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socket, $0, length) }
        }
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
        case .invalidAddress(let address): "'\(address)' is not IP:port (an IPv4 address, [IPv6] or localhost, and a port)"
        case .unreachable(let reason): reason
        case .connectionClosed: "the server closed the connection"
        case .malformedResponse(let reason): "malformed response: \(reason)"
        }
    }
}
