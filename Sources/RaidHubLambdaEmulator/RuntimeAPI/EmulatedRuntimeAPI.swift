import Foundation
import RaidHubEmulation
import RaidHubHTTP
import RaidHubHTTPServer
import RaidHubLambda

/// The Lambda Runtime API one instance talks to: `/next` waits (parked on the server's loop, no
/// thread held) until the runner hands it an event; `/response`, `/error` and `/init/error`
/// complete it, with the Runtime API's statuses (202, 400 InvalidRequestID, 403
/// InvalidStateTransition, 413 RequestEntityTooLarge).
///
/// One consumer, as in Lambda's sandbox: a second `/next` while one waits is refused, and an
/// event is only handed to a `/next` whose client is still there; if it leaves (a runtime that
/// timed out and retried), the event waits for the next `/next`.
///
/// It serves its instance's processes only: events carry client secrets, and it listens on
/// loopback, where any local process could call it. Each connection's client end is looked up
/// in /proc once (`LoopbackConnectionOwner`); one held outside the instance's process tree is
/// answered 403 whatever it asks. Until the instance's process is known (it connects as soon
/// as it is spawned), requests wait.
final class EmulatedRuntimeAPI: @unchecked Sendable {
    private struct State {
        /// The instance's process, once spawned: it and its descendants are served.
        var owner: Int32?
        var serverPort: UInt16 = 0
        /// Connections found to be the instance's, and found not to be.
        var vetted: Set<UInt64> = []
        var refused: Set<UInt64> = []
        /// Requests that came before the instance's process was known.
        var unvetted: [(HTTPRequest, HTTPResponder)] = []
        var queued: PendingInvocation?
        var current: PendingInvocation?
        var waiting: HTTPResponder?
        var initError: [UInt8]?
        var firstNextAt: ContinuousClock.Instant?
        /// Told when the init phase ends (see `onInitEnd`).
        var initEnded: (@Sendable (ContinuousClock.Instant) -> Void)?
        var stopped = false
    }

    private let lock = NSLock()
    private var state = State()
    private var server: HTTPServer?
    private let functionARN: String
    private let timekeeper: Timekeeper

    /// A Runtime API for the function with this ARN (`Lambda-Runtime-Invoked-Function-Arn`),
    /// on `timekeeper`'s time (when init ends, the deadline it hands out).
    init(functionARN: String, timekeeper: Timekeeper) {
        self.functionARN = functionARN
        self.timekeeper = timekeeper
    }

    /// Starts listening on a free loopback port; returns `127.0.0.1:port`.
    func start() throws -> String {
        var limits = HTTPServer.Limits()
        limits.maximumBodyByteCount = RuntimeAPI.maximumResponseByteCount
        limits.keepAliveTimeout = .seconds(24 * 3600)  // a runtime between invocations is not idle
        limits.maximumConnections = 16
        let server = HTTPServer(port: 0, limits: limits, onRefusal: { [self] refusal in
            // Only the instance's own runtime can end its invocation so.
            if refusal.status == 413, let method = refusal.method, let target = refusal.target, isInstances(refusal.connection) == true {
                refusedResponse(method, target)
            }
        }) { [self] request, responder in
            handle(request, responder)
        }
        let port = try server.start()
        lock.withLock {
            self.server = server
            state.serverPort = port
        }
        return "127.0.0.1:\(port)"
    }

    /// Serves `pid` (the instance's process) and its descendants from now on, and any request
    /// that came before it was known, if it was theirs.
    func serveOnly(processTree pid: Int32) {
        let waiting = lock.withLock { () -> [(HTTPRequest, HTTPResponder)] in
            state.owner = pid
            defer { state.unvetted = [] }
            return state.unvetted
        }
        for (request, responder) in waiting { handle(request, responder) }
    }

    func stop() {
        let (stopping, waiting, unvetted) = lock.withLock { () -> (HTTPServer?, HTTPResponder?, [(HTTPRequest, HTTPResponder)]) in
            // The init-end action holds the invocation (and its instance): an instance that
            // never reached its first /next must not keep them in a cycle.
            defer { server = nil; state.stopped = true; state.waiting = nil; state.initEnded = nil; state.unvetted = [] }
            return (server, state.waiting, state.unvetted)
        }
        waiting?.respond(.message(500, "stopped"))
        for (_, responder) in unvetted { responder.respond(.message(500, "stopped")) }
        stopping?.stop(grace: .zero)
    }

    /// Hands `invocation` to the waiting `/next`, or to the next one to come.
    func enqueue(_ invocation: PendingInvocation) {
        let waiting = lock.withLock { () -> HTTPResponder? in
            guard let waiting = state.waiting else {
                state.queued = invocation
                return nil
            }
            state.waiting = nil
            state.current = invocation
            return waiting
        }
        guard let waiting else { return }
        if !waiting.respond(eventResponse(invocation)) { requeue(invocation) }
    }

    /// When the init phase ended: the function's first `/next`.
    var firstNextAt: ContinuousClock.Instant? { lock.withLock { state.firstNextAt } }

    /// Runs `action` with the instant the init phase ended, at the function's first `/next` (at
    /// once if it has), so a cold start's Timeout starts exactly then.
    func onInitEnd(_ action: @escaping @Sendable (ContinuousClock.Instant) -> Void) {
        let ended = lock.withLock { () -> ContinuousClock.Instant? in
            if state.firstNextAt == nil { state.initEnded = action }
            return state.firstNextAt
        }
        if let ended { action(ended) }
    }

    /// Whether a `/next` is parked, waiting for an event.
    var hasWaitingNext: Bool { lock.withLock { state.waiting != nil } }

    /// The init error the function posted, if any.
    var reportedInitError: [UInt8]? { lock.withLock { state.initError } }

    private func handle(_ request: HTTPRequest, _ responder: HTTPResponder) {
        guard let served = isInstances(responder.connection) else {
            // Before the instance's process is known: the request waits for it.
            enum Early { case parked, stopped, known }
            let early = lock.withLock { () -> Early in
                if state.stopped { return .stopped }
                guard state.owner == nil else { return .known }
                state.unvetted.append((request, responder))
                return .parked
            }
            switch early {
            case .parked: return
            case .stopped: responder.respond(.message(500, "stopped"))
            case .known: handle(request, responder)  // known meanwhile: looked up now
            }
            return
        }
        guard served else {
            // Closed after the answer: a process holding refused connections must not fill the
            // Runtime API's 16 and keep the runtime out.
            var refusal = errorAnswer(403, "Forbidden", "this Runtime API serves its instance's processes only")
            refusal.closesConnection = true
            responder.respond(refusal)
            return
        }
        let path = request.path
        if request.method == "GET", path == RuntimeAPI.nextPath { return next(responder) }
        responder.respond(answer(request))
    }

    /// Whether `connection` is the instance's own (its process tree holds the client end),
    /// looked up in /proc once per connection; nil while the instance's process is not known.
    /// Where /proc cannot be read, nothing can be told apart: served, as before the check.
    private func isInstances(_ connection: HTTPResponder.Connection) -> Bool? {
        let (decided, owner, serverPort) = lock.withLock { () -> (Bool?, Int32?, UInt16) in
            if state.vetted.contains(connection.number) { return (true, nil, 0) }
            if state.refused.contains(connection.number) { return (false, nil, 0) }
            return (nil, state.owner, state.serverPort)
        }
        if let decided { return decided }
        guard let owner else { return nil }
        let finding = LoopbackConnectionOwner.find(
            client: .init(address: connection.clientAddress, port: connection.clientPort),
            server: .init(address: [127, 0, 0, 1], port: serverPort), tree: owner)
        let served = finding != .outsideTree
        lock.withLock {
            // Bounded: a connection forgotten is only looked up again.
            if state.vetted.count >= 64 { state.vetted.removeAll() }
            if state.refused.count >= 1024 { state.refused.removeAll() }
            if served { state.vetted.insert(connection.number) } else { state.refused.insert(connection.number) }
        }
        return served
    }

    private func answer(_ request: HTTPRequest) -> HTTPResponse {
        let path = request.path
        guard request.method == "POST" else { return .message(405, "method not allowed") }
        if path == RuntimeAPI.initErrorPath {
            // Only during init, before the first /next; after that Lambda answers 403 and the
            // invocation under way goes on.
            let pending = lock.withLock { () -> PendingInvocation?? in
                guard state.firstNextAt == nil else { return .none }
                state.initError = request.body
                return .some(state.current ?? state.queued)
            }
            guard let pending else { return errorAnswer(403, "InvalidStateTransition", "the init phase is over") }
            pending?.complete(.initError(report: request.body))
            return accepted
        }
        let prefix = RuntimeAPI.versionPrefix + "/runtime/invocation/"
        guard path.hasPrefix(prefix) else { return .message(404, "not found") }
        let parts = path.dropFirst(prefix.count).split(separator: "/")
        guard parts.count == 2, parts[1] == "response" || parts[1] == "error" else { return .message(404, "not found") }
        guard let invocation = lock.withLock({ state.current }), invocation.requestId == parts[0] else {
            return errorAnswer(400, "InvalidRequestID", "unknown request id")
        }
        guard request.body.count <= RuntimeAPI.maximumResponseByteCount else {
            return errorAnswer(413, "RequestEntityTooLarge", "response exceeds \(RuntimeAPI.maximumResponseByteCount) bytes")
        }
        let outcome: InvocationResult = parts[1] == "response"
            ? .response(request.body)
            : .functionError(report: request.body, type: request.header(RuntimeAPI.Header.functionErrorType))
        guard invocation.complete(outcome) else { return errorAnswer(403, "InvalidStateTransition", "already answered") }
        return accepted
    }

    /// Parks `/next` until an event comes; refuses a second consumer.
    private func next(_ responder: HTTPResponder) {
        enum Decision { case serve(PendingInvocation), park, refuse, stopped }
        var initEnded: (() -> Void)?
        let now = timekeeper.now
        let decision = lock.withLock { () -> Decision in
            if state.firstNextAt == nil {
                state.firstNextAt = now
                initEnded = state.initEnded.map { action in { action(now) } }
                state.initEnded = nil
            }
            if state.stopped { return .stopped }
            if state.waiting != nil { return .refuse }
            if let queued = state.queued {
                state.queued = nil
                state.current = queued
                return .serve(queued)
            }
            state.waiting = responder
            return .park
        }
        initEnded?()
        switch decision {
        case .serve, .park:
            // Weakly: the responder keeps this action until its answer is written.
            responder.onClientGone { [self, weak responder] in
                let event = lock.withLock { () -> PendingInvocation? in
                    if let responder, state.waiting === responder { state.waiting = nil; return nil }
                    // Answered with an event that never reached the client: it waits again.
                    guard let current = state.current, !current.isComplete else { return nil }
                    return current
                }
                if let event { requeue(event) }
            }
            if case .serve(let invocation) = decision, !responder.respond(eventResponse(invocation)) { requeue(invocation) }
        case .refuse:
            responder.respond(errorAnswer(403, "InvalidStateTransition", "another /next is already waiting: one runtime per instance"))
        case .stopped:
            responder.respond(.message(500, "stopped"))
        }
    }

    /// Puts back an event whose `/next` left before it was written.
    private func requeue(_ invocation: PendingInvocation) {
        lock.withLock {
            if state.current === invocation { state.current = nil }
        }
        enqueue(invocation)
    }

    private func eventResponse(_ invocation: PendingInvocation) -> HTTPResponse {
        HTTPResponse(status: 200, headers: [
            HTTPField(name: "Content-Type", value: "application/json"),
            HTTPField(name: RuntimeAPI.Header.requestId, value: invocation.requestId),
            HTTPField(name: RuntimeAPI.Header.deadline, value: String(invocation.deadlineMilliseconds(handedOutAt: timekeeper.wallMilliseconds))),
            HTTPField(name: RuntimeAPI.Header.invokedFunctionARN, value: functionARN),
            HTTPField(name: RuntimeAPI.Header.traceId, value: invocation.traceId),
        ] + (invocation.clientContext.map { [HTTPField(name: RuntimeAPI.Header.clientContext, value: $0)] } ?? []), body: invocation.event)
    }

    private let accepted = HTTPResponse(status: 202, headers: [HTTPField(name: "Content-Type", value: "application/json")], body: Array(#"{"status":"OK"}"#.utf8))

    /// The error an invocation ends with when its response is over the limit, as Lambda reports it.
    static let responseTooLarge = Array(("{\"errorMessage\":\"Response payload size exceeded maximum allowed payload size "
        + "(\(RuntimeAPI.maximumResponseByteCount) bytes).\",\"errorType\":\"Function.ResponseSizeTooLarge\"}").utf8)

    /// A response over the limit, refused by the server before its body was read: the
    /// invocation ends at once with Lambda's error (the runtime gets 413), not after its Timeout.
    private func refusedResponse(_ method: String, _ target: String) {
        let prefix = RuntimeAPI.versionPrefix + "/runtime/invocation/"
        let path = target.split(separator: "?", maxSplits: 1).first.map(String.init) ?? target
        guard method == "POST", path.hasPrefix(prefix), path.hasSuffix("/response") else { return }
        let requestId = path.dropFirst(prefix.count).dropLast("/response".count)
        guard let invocation = lock.withLock({ state.current }), invocation.requestId == requestId else { return }
        invocation.complete(.functionError(report: Self.responseTooLarge, type: "Function.ResponseSizeTooLarge"))
    }

    private func errorAnswer(_ status: Int, _ type: String, _ message: String) -> HTTPResponse {
        HTTPResponse(status: status, headers: [HTTPField(name: "Content-Type", value: "application/json")],
                     body: Array(#"{"errorMessage":"\#(message)","errorType":"\#(type)"}"#.utf8))
    }
}
