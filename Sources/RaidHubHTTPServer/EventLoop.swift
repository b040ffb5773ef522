import CLinuxEvents
import RaidHubHTTP
#if canImport(Glibc)
import Glibc
#endif

/// The loop of one `HTTPServer`: epoll over the listener, a wake-up eventfd and every
/// connection, level-triggered. It owns all connection state and runs on one thread (hence
/// `@unchecked Sendable`: it is only handed to that thread); other threads only hand it
/// finished answers (through the server) and wake it.
final class EventLoop: @unchecked Sendable {
    /// One client connection and where it is in the exchange.
    final class Connection {
        enum Phase { case reading, handling, writing }

        let descriptor: Int32
        /// Tells this connection from a later one that reuses the descriptor number.
        let generation: UInt64
        var parser: HTTPRequestParser
        var phase = Phase.reading
        var interest: UInt32 = 0
        var output: [UInt8] = []
        var sent = 0
        var closeAfterWrite = false
        var answeringHead = false
        var keepAlive = true
        var responder: HTTPResponder?
        var idleSince = ContinuousClock.now
        var requestStarted: ContinuousClock.Instant?
        var bodyStarted: ContinuousClock.Instant?
        var writeStarted = ContinuousClock.now
        /// Who the client is, asked of the kernel once per connection rather than per request
        /// (a `getpeername` per request was a tenth of the runner's system calls).
        private(set) lazy var client: HTTPResponder.Connection = {
            let peer = SocketAddress.peer(of: descriptor)
            return HTTPResponder.Connection(number: generation, clientAddress: peer.address, clientPort: peer.port)
        }()

        init(descriptor: Int32, generation: UInt64, limits: HTTPServer.Limits) {
            self.descriptor = descriptor
            self.generation = generation
            self.parser = HTTPRequestParser(maximumHeaderByteCount: limits.maximumHeaderByteCount, maximumBodyByteCount: limits.maximumBodyByteCount)
        }
    }

    private unowned let server: HTTPServer
    private var listener: Int32
    private let epoll: Int32
    let wakeDescriptor: Int32
    /// A spare descriptor, given up to accept (and at once close) a client when the process is
    /// out of descriptors, so a full table does not hold clients unanswered; -1 while it cannot
    /// be had back (the sweep tries again).
    private var reserve: Int32
    /// The listener is not watched while it cannot be served (out of descriptors with no spare
    /// to make room, or the kernel short of memory): epoll would report it ready at once, for
    /// ever. Each sweep tries again.
    private var acceptingPaused = false
    private var connections: [Int32: Connection] = [:]
    private var nextGeneration: UInt64 = 1
    private let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    private var stopping = false
    private var nextSweep = ContinuousClock.now

    private static let readable = EPOLLIN.rawValue | EPOLLRDHUP.rawValue
    private static let hangUp = EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue

    init(server: HTTPServer, listener: Int32) throws(HTTPServerError) {
        self.server = server
        self.listener = listener
        _ = fcntl(listener, F_SETFL, fcntl(listener, F_GETFL) | O_NONBLOCK)
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epoll >= 0 else { throw .socket("epoll_create1", errno: errno) }
        wakeDescriptor = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard wakeDescriptor >= 0 else {
            close(epoll)
            throw .socket("eventfd", errno: errno)
        }
        reserve = -1  // every property set: a method may run
        reserve = takeSpare()
        acceptingPaused = !watch(listener, EPOLLIN.rawValue, operation: EPOLL_CTL_ADD)  // the sweep retries
        watch(wakeDescriptor, EPOLLIN.rawValue, operation: EPOLL_CTL_ADD)
    }

    /// A descriptor to hold in reserve: a copy of the wake-up eventfd's, which needs no file
    /// system (a chroot may have no /dev/null); -1 when the table is full.
    private func takeSpare() -> Int32 {
        fcntl(wakeDescriptor, F_DUPFD_CLOEXEC, 0)
    }

    deinit {
        readBuffer.deallocate()
    }

    func run() {
        var events = [epoll_event](repeating: epoll_event(), count: 256)
        while true {
            // Answers given on this thread since the last pass wrote no wake-up: take them now.
            let count = epoll_wait(epoll, &events, Int32(events.count), server.hasCompletions() ? 0 : 100)
            if count < 0, errno != EINTR { break }
            for index in 0..<max(0, Int(count)) {
                let descriptor = events[index].data.fd
                let flags = events[index].events
                if descriptor == listener {
                    acceptConnections()
                } else if descriptor == wakeDescriptor {
                    var value: UInt64 = 0
                    _ = read(wakeDescriptor, &value, 8)
                } else if let connection = connections[descriptor] {
                    handle(connection, flags: flags)
                }
            }
            let (completions, stopAt) = server.takeControl()
            for completion in completions {
                guard let connection = connections[completion.descriptor], connection.generation == completion.generation,
                      connection.phase == .handling
                else {
                    completion.responder?.clientWentAway()  // answered, but to nobody
                    continue
                }
                respond(connection, with: completion.response)
            }
            let now = ContinuousClock.now
            if let stopAt {
                if !stopping { beginStopping() }
                if connections.isEmpty || now >= stopAt { break }
            }
            if now >= nextSweep {
                sweep(now)
                nextSweep = now + .milliseconds(100)
            }
        }
        for connection in Array(connections.values) { closeConnection(connection) }
        if listener >= 0 { close(listener) }
        // No other thread may write to the eventfd once closed (its number may be reused):
        // the server forgets it under its lock first.
        server.loopEnded()
        close(epoll)
        close(wakeDescriptor)
        if reserve >= 0 { close(reserve) }
    }

    // MARK: - Accepting

    private func acceptConnections() {
        // At most 64 at a time: a flood of clients (or a full table) must not keep the loop from
        // the connections it has; epoll reports the listener again on the next pass.
        for _ in 0..<64 where listener >= 0 {
            let descriptor = clinux_accept_nonblocking(listener)
            if descriptor < 0 {
                switch errno {
                case EINTR, ECONNABORTED, EPROTO, ENETDOWN, ENETUNREACH, EHOSTDOWN, EHOSTUNREACH, ENONET, ENOPROTOOPT:
                    continue  // that client's own failure (accept(2)): the next may be fine
                case EAGAIN:
                    return  // no client waits
                case EMFILE, ENFILE:
                    // Linux takes a number before it looks for a client, so a full table answers
                    // EMFILE even when none waits. The spare makes room to accept the first client
                    // waiting and close it at once (rather than hold it unanswered), and is taken back.
                    guard reserve >= 0 else { return pauseAccepting() }
                    close(reserve)
                    let dropped = clinux_accept_nonblocking(listener)
                    let acceptError = errno
                    if dropped >= 0 { close(dropped) }
                    reserve = takeSpare()
                    if dropped >= 0 { continue }  // others may wait
                    if acceptError == EAGAIN { return }  // none waits: epoll will not report the listener
                    return pauseAccepting()  // no room even so: another thread took the number
                default:
                    // ENOMEM, ENOBUFS, a security module's EPERM and the like leave the client
                    // waiting (EPERM every time): the listener stays ready, and epoll would report
                    // it again at once.
                    return pauseAccepting()
                }
            }
            guard connections.count < server.limits.maximumConnections else {
                close(descriptor)  // over the cap: refused at once, never held
                continue
            }
            var noDelay: Int32 = 1
            setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
            let connection = Connection(descriptor: descriptor, generation: nextGeneration, limits: server.limits)
            nextGeneration += 1
            connections[descriptor] = connection
            setInterest(connection, Self.readable, operation: EPOLL_CTL_ADD)
        }
    }

    /// Stops watching the listener while it cannot be served; the sweep watches it again.
    private func pauseAccepting() {
        epoll_ctl(epoll, EPOLL_CTL_DEL, listener, nil)
        acceptingPaused = true
    }

    // MARK: - One connection

    private func handle(_ connection: Connection, flags: UInt32) {
        switch connection.phase {
        case .reading:
            readAvailable(connection)
        case .handling:
            if flags & (EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 || flags & EPOLLRDHUP.rawValue != 0 && connection.responder?.caresIfClientLeaves == true {
                // The client went away while its request was being handled, and the work cares
                // (a parked /next must not be answered to nobody): give it back and close.
                closeConnection(connection)
            } else if flags & EPOLLRDHUP.rawValue != 0 {
                // A half-close (`shutdown(SHUT_WR)` after the request, as `nc -N` and some
                // proxies do): the client can still read. Answered as nginx answers it, then
                // closed; nothing more is read.
                connection.keepAlive = false
                setInterest(connection, 0)
            } else if flags & EPOLLIN.rawValue != 0 {
                // A pipelined request: it waits in the socket, watched only for a hang-up, until
                // this answer is written (level-triggered, it would otherwise wake us at once).
                setInterest(connection, EPOLLRDHUP.rawValue)
            }
        case .writing:
            if flags & (EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 { closeConnection(connection); return }
            if flags & EPOLLOUT.rawValue != 0 { flush(connection) }
        }
    }

    private func readAvailable(_ connection: Connection) {
        let count = recv(connection.descriptor, readBuffer.baseAddress, readBuffer.count, 0)
        if count > 0 {
            connection.parser.append(UnsafeRawBufferPointer(rebasing: readBuffer[0..<count]))
            process(connection)
        } else if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            closeConnection(connection)  // closed by the client, or broken
        }
    }

    /// Takes the next complete request, if any, to its handler; otherwise keeps the deadlines
    /// of what is partly received.
    private func process(_ connection: Connection) {
        guard connection.phase == .reading else { return }
        let request: HTTPRequest?
        do {
            request = try connection.parser.next()
        } catch {
            refuse(connection, HTTPResponse.message(error.status, error.description))
            return
        }
        guard let request else {
            if connection.parser.takeContinueExpectation() {
                // Small enough for any socket buffer: sent whole or the connection is broken.
                let interim = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
                _ = interim.withUnsafeBytes { send(connection.descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
            }
            let now = ContinuousClock.now
            if !connection.parser.hasPartialRequest {
                connection.requestStarted = nil
            } else if connection.parser.isReadingBody {
                if connection.bodyStarted == nil { connection.bodyStarted = now }
            } else if connection.requestStarted == nil {
                connection.requestStarted = now
            }
            return
        }
        connection.requestStarted = nil
        connection.bodyStarted = nil
        connection.answeringHead = request.method == "HEAD"
        connection.keepAlive = request.keepAlive
        // Still watched for input, which is how a hang-up shows: a request's interest changes
        // only if the client pipelines another (two epoll_ctl calls per request otherwise).
        connection.phase = .handling
        connection.responder = server.dispatch(request, on: connection)
    }

    private func respond(_ connection: Connection, with response: HTTPResponse) {
        let keepAlive = connection.keepAlive && !stopping && !response.closesConnection
        connection.output = HTTPResponseWriter.serialize(
            status: response.status, headers: response.headers, body: response.body, keepAlive: keepAlive,
            includeBody: !connection.answeringHead)
        connection.sent = 0
        connection.closeAfterWrite = !keepAlive
        connection.phase = .writing
        connection.writeStarted = .now
        flush(connection)
    }

    /// Answers a request the server refuses itself, tells whoever listens, and closes.
    private func refuse(_ connection: Connection, _ response: HTTPResponse) {
        let line = connection.parser.pendingRequestLine
        if let onRefusal = server.onRefusal {
            onRefusal(HTTPServer.Refusal(status: response.status, method: line?.method, target: line?.target, connection: connection.client))
        }
        answerAndClose(connection, response)
    }

    private func answerAndClose(_ connection: Connection, _ response: HTTPResponse) {
        connection.keepAlive = false
        connection.answeringHead = false
        respond(connection, with: response)
    }

    /// Writes what the socket takes; waits for EPOLLOUT when it is full (under the send timeout).
    private func flush(_ connection: Connection) {
        while connection.sent < connection.output.count {
            let count = connection.output.withUnsafeBytes {
                send(connection.descriptor, $0.baseAddress! + connection.sent, $0.count - connection.sent, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
            }
            if count > 0 {
                connection.sent += count
            } else if count < 0, errno == EINTR {
                continue
            } else if count < 0, errno == EAGAIN || errno == EWOULDBLOCK {
                if connection.interest != EPOLLOUT.rawValue { setInterest(connection, EPOLLOUT.rawValue) }
                return
            } else {
                closeConnection(connection)
                return
            }
        }
        connection.output = []
        connection.responder?.answerWritten()
        connection.responder = nil
        if connection.closeAfterWrite {
            closeConnection(connection)
            return
        }
        connection.phase = .reading
        connection.idleSince = .now
        if connection.interest != Self.readable { setInterest(connection, Self.readable) }
        process(connection)  // a pipelined request may already be buffered
    }

    private func closeConnection(_ connection: Connection) {
        guard connections[connection.descriptor] === connection else { return }
        connections[connection.descriptor] = nil
        // Out of the epoll set first: close() removes it only when no other process holds the
        // socket, and a child spawned just now may (its late event would then close whichever
        // new connection got this number).
        watch(connection.descriptor, 0, operation: EPOLL_CTL_DEL)
        close(connection.descriptor)
        // Unanswered, or answered but not written: whoever parked the request gets its work back.
        if connection.phase == .handling || connection.sent < connection.output.count { connection.responder?.clientWentAway() }
        connection.responder = nil
    }

    // MARK: - Deadlines and stopping

    /// Cuts off whoever is past a deadline: a request head or body that is too slow (408), an
    /// answer the client does not read, a kept-alive connection idle too long.
    private func sweep(_ now: ContinuousClock.Instant) {
        if reserve < 0 { reserve = takeSpare() }  // the spare, once a number is free
        if acceptingPaused, listener >= 0, reserve >= 0, watch(listener, EPOLLIN.rawValue, operation: EPOLL_CTL_ADD) {
            acceptingPaused = false
        }
        let limits = server.limits
        for connection in Array(connections.values) {
            switch connection.phase {
            case .reading:
                if connection.parser.hasPartialRequest {
                    let deadline = connection.parser.isReadingBody
                        ? (connection.bodyStarted ?? now) + limits.bodyTimeout
                        : (connection.requestStarted ?? now) + limits.headTimeout
                    if now >= deadline { refuse(connection, .message(408, "request not received in time")) }
                } else if now >= connection.idleSince + limits.keepAliveTimeout {
                    closeConnection(connection)
                }
            case .writing:
                if now >= connection.writeStarted + limits.sendTimeout { closeConnection(connection) }
            case .handling:
                break
            }
        }
    }

    /// Stops accepting and closes connections with no request under way; the others close once
    /// answered.
    private func beginStopping() {
        stopping = true
        if listener >= 0 {
            close(listener)
            listener = -1
        }
        for connection in Array(connections.values) where connection.phase == .reading && !connection.parser.hasPartialRequest {
            closeConnection(connection)
        }
    }

    private func setInterest(_ connection: Connection, _ events: UInt32, operation: Int32 = EPOLL_CTL_MOD) {
        connection.interest = events
        watch(connection.descriptor, events, operation: operation)
    }

    /// Whether epoll took the change.
    @discardableResult
    private func watch(_ descriptor: Int32, _ events: UInt32, operation: Int32) -> Bool {
        var event = epoll_event()
        event.events = events
        event.data.fd = descriptor
        return epoll_ctl(epoll, operation, descriptor, &event) == 0
    }
}
