import CLinuxEvents
import CLinuxThreads
import Foundation
import Glibc
import RaidHubHTTP
#if canImport(Glibc)
#endif

/// An HTTP/1.1 server on one epoll event loop: the loop accepts, reads, parses and writes for
/// every connection; a blocking handler runs on a bounded pool of worker threads, a deferred
/// handler on the loop itself. Every connection lives under deadlines (`Limits`), so no client,
/// slow, silent, hostile or gone, can hold the server, and nothing a client sends can stop it.
/// Binds 127.0.0.1 unless told otherwise.
public final class HTTPServer: @unchecked Sendable {
    /// Answers one request on a worker thread, so it may block.
    public typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse
    /// Takes one request on the loop's thread without blocking, and answers through the
    /// responder now or later (a Runtime API's `/next` waits for an event this way).
    public typealias DeferredHandler = @Sendable (HTTPRequest, HTTPResponder) -> Void

    /// What one connection may take; the defaults follow nginx's where it has one.
    public struct Limits: Sendable {
        /// Open connections; one more is closed as soon as it is accepted (nginx: 512 per worker).
        /// At most half the process's descriptor limit, so idle clients never take the
        /// descriptors an instance needs to start (1,024 is a common default).
        public var maximumConnections = Limits.connectionsWithinDescriptorLimit()
        /// Request line and headers, and the trailers of a chunked body (nginx: 8-32 KiB).
        public var maximumHeaderByteCount = 16 * 1024
        /// A body after de-chunking (Lambda's 6 MB payload limit).
        public var maximumBodyByteCount = 6 * 1024 * 1024
        /// From a request's first byte to the end of its head (nginx's client_header_timeout, 60 s).
        public var headTimeout: Duration = .seconds(10)
        /// From the end of the head to the end of the body, however the bytes trickle in.
        public var bodyTimeout: Duration = .seconds(60)
        /// To write one answer (nginx's send_timeout, 60 s).
        public var sendTimeout: Duration = .seconds(30)
        /// How long a kept-alive connection may sit idle between requests (nginx: 75 s).
        public var keepAliveTimeout: Duration = .seconds(75)
        /// Threads running blocking handlers; requests beyond them wait in arrival order.
        public var maximumWorkers = 64

        /// The defaults.
        public init() {}

        /// 4,096, or half the descriptor limit (`RLIMIT_NOFILE`'s soft value) when that is less.
        static func connectionsWithinDescriptorLimit() -> Int {
            var limit = rlimit()
            guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { return 4096 }
            return min(4096, max(16, Int(limit.rlim_cur) / 2))
        }
    }

    /// Raises the process's descriptor limit to its hard limit, as servers do at start (the
    /// soft limit is often 1,024): call it before making servers, whose connection caps follow it.
    public static func raiseDescriptorLimit() {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
    }

    enum Work: Sendable {
        case blocking(Handler)
        case deferred(DeferredHandler)
    }

    private let host: String
    private let requestedPort: UInt16
    let limits: Limits
    private let work: Work
    let workers: WorkerPool
    /// Told of each request the server answers itself, without a handler (see `Refusal`).
    let onRefusal: (@Sendable (Refusal) -> Void)?

    /// A request the server answered itself: a malformed or oversized one (400, 413, 431...), or
    /// one too slow to arrive (408). Its method and target when its head had arrived.
    public struct Refusal: Sendable {
        /// The status answered.
        public let status: Int
        /// The request's method, when its head was read.
        public let method: String?
        /// The request's target, when its head was read.
        public let target: String?
        /// The connection it came on.
        public let connection: HTTPResponder.Connection
    }
    private let control = Locked(Control())
    private let stopped = DispatchSemaphore(value: 0)

    /// A finished answer for the connection `descriptor` of `generation`; `responder` is told if
    /// it cannot be written (the client left first).
    struct Completion {
        let descriptor: Int32
        let generation: UInt64
        let response: HTTPResponse
        let responder: HTTPResponder?
    }

    /// What other threads hand the loop: finished answers and a stop request.
    struct Control {
        var completions: [Completion] = []
        var stopRequested: ContinuousClock.Instant?
        var wake: Int32 = -1
        var running = false
        /// The loop's own thread: an answer given on it needs no wake-up, the loop takes it
        /// before it next waits (for a Runtime API, every `/response`'s 202 and every `/next`
        /// given a queued event: an eventfd write, an epoll return and a read saved each).
        var loopThread: pthread_t = 0
    }

    /// A server answering with a blocking `handler` on `host:port` (port 0 picks a free one);
    /// `onRefusal` hears of each request the server answers itself.
    public init(host: String = "127.0.0.1", port: UInt16, limits: Limits = Limits(), onRefusal: (@Sendable (Refusal) -> Void)? = nil,
                handler: @escaping Handler) {
        self.host = host
        self.requestedPort = port
        self.limits = limits
        self.work = .blocking(handler)
        self.workers = WorkerPool(limit: limits.maximumWorkers)
        self.onRefusal = onRefusal
    }

    /// A server answering with a deferred `handler` on `host:port` (port 0 picks a free one);
    /// `onRefusal` hears of each request the server answers itself (a body refused as too
    /// large is answered 413, and its connection closed).
    public init(
        host: String = "127.0.0.1", port: UInt16, limits: Limits = Limits(),
        onRefusal: (@Sendable (Refusal) -> Void)? = nil, deferredHandler: @escaping DeferredHandler
    ) {
        self.host = host
        self.requestedPort = port
        self.limits = limits
        self.work = .deferred(deferredHandler)
        self.workers = WorkerPool(limit: 0)
        self.onRefusal = onRefusal
    }

    /// A server with the default limits but these sizes and an idle timeout, as before the loop.
    public convenience init(
        host: String = "127.0.0.1", port: UInt16, readTimeoutSeconds: Int, maximumHeaderByteCount: Int = 16 * 1024,
        maximumBodyByteCount: Int = 6 * 1024 * 1024, handler: @escaping Handler
    ) {
        var limits = Limits()
        limits.maximumHeaderByteCount = maximumHeaderByteCount
        limits.maximumBodyByteCount = maximumBodyByteCount
        limits.keepAliveTimeout = .seconds(readTimeoutSeconds)
        limits.headTimeout = .seconds(min(readTimeoutSeconds, 10))
        limits.bodyTimeout = .seconds(readTimeoutSeconds)
        self.init(host: host, port: port, limits: limits, handler: handler)
    }

    /// Binds, listens and starts the loop on its own thread; returns the bound port.
    public func start() throws(HTTPServerError) -> UInt16 {
        signal(SIGPIPE, SIG_IGN)  // a client that closes early must not kill the process
        let socket = try SocketAddress.listen(host: host, port: requestedPort)
        let loop: EventLoop
        do {
            loop = try EventLoop(server: self, listener: socket.descriptor)
        } catch {
            close(socket.descriptor)
            throw error
        }
        control.withLock {
            $0.wake = loop.wakeDescriptor
            $0.running = true
        }
        let name = if case .deferred = work { "http-deferred" } else { "http-loop" }
        let thread = Thread { [self] in
            clinux_name_this_thread(name)  // for /proc, perf and debuggers
            control.withLock { $0.loopThread = pthread_self() }
            loop.run()
            workers.stop()
            stopped.signal()
        }
        thread.stackSize = 1 << 20
        thread.start()
        return socket.port
    }

    /// Stops accepting at once and closes idle connections; requests in flight are answered
    /// (then their connections close) until `grace` has passed, when every connection closes.
    /// Returns at once; `waitUntilStopped` waits for the loop to end. Calling it again can only
    /// bring the end closer.
    public func stop(grace: Duration = .seconds(10)) {
        control.withLock { control in
            let deadline = ContinuousClock.now + grace
            control.stopRequested = min(control.stopRequested ?? deadline, deadline)  // a second stop may shorten the grace
            // Written under the lock: the loop forgets the descriptor under it before closing it.
            if control.running, control.wake >= 0 { Self.wake(control.wake) }
        }
    }

    /// Waits until the loop has closed every connection after `stop`.
    public func waitUntilStopped() {
        guard control.withLock({ $0.running }) else { return }
        stopped.wait()
        stopped.signal()
    }

    // MARK: - For the loop

    /// Runs the handler for a request the loop has read.
    func dispatch(_ request: HTTPRequest, on connection: EventLoop.Connection) -> HTTPResponder? {
        let (descriptor, generation) = (connection.descriptor, connection.generation)
        switch work {
        case .blocking(let handler):
            workers.submit { [self] in
                complete(Completion(descriptor: descriptor, generation: generation, response: handler(request), responder: nil))
            }
            return nil
        case .deferred(let handler):
            // Only a deferred handler is told who asks (the Runtime API checks it is the instance).
            let responder = HTTPResponder(connection: connection.client) { [self] response, responder in
                complete(Completion(descriptor: descriptor, generation: generation, response: response, responder: responder))
            }
            handler(request, responder)
            return responder
        }
    }

    private func complete(_ completion: Completion) {
        control.withLock { control in
            control.completions.append(completion)
            // Written under the lock, so never to a descriptor the loop has closed (and the
            // process perhaps reused): a non-blocking eventfd write, no wait.
            if control.wake >= 0, pthread_equal(control.loopThread, pthread_self()) == 0 { Self.wake(control.wake) }
        }
    }

    /// Whether answers wait for the loop (given on its own thread, which wrote no wake-up):
    /// then it must not sleep in `epoll_wait`.
    func hasCompletions() -> Bool {
        control.withLock { !$0.completions.isEmpty }
    }

    /// The loop is over: no one may wake it, its eventfd about to close.
    func loopEnded() {
        control.withLock {
            $0.running = false
            $0.wake = -1
        }
    }

    /// The answers finished since the last call, and the stop deadline if one was asked for.
    func takeControl() -> (completions: [Completion], stopAt: ContinuousClock.Instant?) {
        control.withLock { control in
            defer { control.completions.removeAll(keepingCapacity: true) }
            return (control.completions, control.stopRequested)
        }
    }

    static func wake(_ eventDescriptor: Int32) {
        var one: UInt64 = 1
        _ = Glibc.write(eventDescriptor, &one, 8)
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
