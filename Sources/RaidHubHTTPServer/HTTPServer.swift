import Foundation
import RaidHubHTTP
#if canImport(Glibc)
import Glibc
#endif

/// An HTTP/1.1 server on POSIX sockets: one thread per connection, keep-alive, a read timeout
/// for slow or silent clients, and nothing a client does (malformed bytes, vanishing mid-request)
/// can stop it. Binds 127.0.0.1 unless told otherwise.
public final class HTTPServer: @unchecked Sendable {
    /// Answers one request; called on the connection's thread, so it may block.
    public typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse

    private let host: String
    private let requestedPort: UInt16
    private let readTimeoutSeconds: Int
    private let limits: (headers: Int, body: Int)
    private let handler: Handler
    private let lock = NSLock()
    private var listener: Int32 = -1

    /// A server for `handler` on `host:port` (port 0 picks a free one; see `start`).
    public init(
        host: String = "127.0.0.1", port: UInt16, readTimeoutSeconds: Int = 30,
        maximumHeaderByteCount: Int = 16 * 1024, maximumBodyByteCount: Int = 6 * 1024 * 1024,
        handler: @escaping Handler
    ) {
        self.host = host
        self.requestedPort = port
        self.readTimeoutSeconds = readTimeoutSeconds
        self.limits = (maximumHeaderByteCount, maximumBodyByteCount)
        self.handler = handler
    }

    /// Binds, listens and starts accepting on a background thread; returns the bound port.
    public func start() throws(HTTPServerError) -> UInt16 {
        signal(SIGPIPE, SIG_IGN)  // a client that closes early must not kill the process
        let socket = try SocketAddress.listen(host: host, port: requestedPort)
        lock.withLock { listener = socket.descriptor }
        Thread { [self] in acceptLoop(socket.descriptor) }.start()
        return socket.port
    }

    /// Stops accepting; open connections finish their current request.
    ///
    /// Only shuts the listener down: the accept loop closes it on its way out. Closing it here
    /// would free the descriptor number while the loop may still call `accept` on it, and a
    /// socket opened meanwhile elsewhere in the process (another server, another instance's
    /// Runtime API) could reuse the number and have its connections taken by this loop.
    public func stop() {
        let descriptor = lock.withLock { () -> Int32 in
            defer { listener = -1 }
            return listener
        }
        if descriptor >= 0 { shutdown(descriptor, Int32(SHUT_RDWR)) }
    }

    private var isStopped: Bool { lock.withLock { listener < 0 } }

    private func acceptLoop(_ descriptor: Int32) {
        defer { close(descriptor) }
        while true {
            let connection = accept(descriptor, nil, nil)
            if connection < 0 {
                if isStopped { return }
                if errno == EINTR || errno == ECONNABORTED || errno == EMFILE || errno == ENFILE {
                    if errno == EMFILE || errno == ENFILE { usleep(10_000) }  // out of descriptors: let some close
                    continue
                }
                return
            }
            if isStopped {
                close(connection)
                return
            }
            Thread { [self] in serve(connection) }.start()
        }
    }

    private func serve(_ connection: Int32) {
        defer { close(connection) }
        var noDelay: Int32 = 1
        setsockopt(connection, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
        var timeout = timeval(tv_sec: readTimeoutSeconds, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var parser = HTTPRequestParser(maximumHeaderByteCount: limits.headers, maximumBodyByteCount: limits.body)
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            do {
                while let request = try parser.next() {
                    let response = handler(request)
                    let keepAlive = request.keepAlive
                    guard write(connection, HTTPResponseWriter.serialize(
                        status: response.status, headers: response.headers, body: response.body, keepAlive: keepAlive)),
                        keepAlive
                    else { return }
                }
            } catch {
                let answer = HTTPResponse.message(error.status, error.description)
                _ = write(connection, HTTPResponseWriter.serialize(status: answer.status, headers: answer.headers, body: answer.body, keepAlive: false))
                return
            }
            let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                parser.append(buffer[0..<count])
                continue
            }
            if count < 0, errno == EINTR { continue }
            if count < 0, (errno == EAGAIN || errno == EWOULDBLOCK), parser.hasPartialRequest {
                let answer = HTTPResponse.message(408, "request not received in time")
                _ = write(connection, HTTPResponseWriter.serialize(status: 408, headers: answer.headers, body: answer.body, keepAlive: false))
            }
            return  // closed by the client, idle too long, or an error
        }
    }

    /// Writes all of `bytes`; false when the client has gone.
    private func write(_ connection: Int32, _ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let count = bytes.withUnsafeBytes { send(connection, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return false }
            sent += count
        }
        return true
    }
}

/// Why the server could not start.
public enum HTTPServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The host is not an IPv4 address.
    case invalidHost(String)
    /// A socket call failed (e.g. the port is taken).
    case socket(String, errno: Int32)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .invalidHost(let host): "'\(host)' is not an IPv4 address"
        case .socket(let call, let code): "\(call) failed: \(String(cString: strerror(code)))"
        }
    }
}
