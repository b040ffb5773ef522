import Foundation
import RaidHubHTTP
import RaidHubHTTPServer
import RaidHubLambda

/// The Lambda Runtime API one instance talks to: `/next` blocks until the runner hands it an
/// event; `/response`, `/error` and `/init/error` complete it, with the Runtime API's statuses
/// (202, 400 InvalidRequestID, 403 InvalidStateTransition, 413 RequestEntityTooLarge).
final class EmulatedRuntimeAPI: @unchecked Sendable {
    private let lock = NSLock()
    private let eventReady = DispatchSemaphore(value: 0)
    private var queued: PendingInvocation?
    private var current: PendingInvocation?
    private var initError: [UInt8]?
    private var server: HTTPServer?
    /// When the function first asked for an event: the end of its init.
    private(set) var firstNextAt: ContinuousClock.Instant?

    /// Starts listening on a free loopback port; returns `127.0.0.1:port`.
    func start() throws -> String {
        let server = HTTPServer(port: 0, readTimeoutSeconds: 24 * 3600, maximumBodyByteCount: RuntimeAPI.maximumResponseByteCount + 1) { [self] in
            handle($0)
        }
        let port = try server.start()
        lock.withLock { self.server = server }
        return "127.0.0.1:\(port)"
    }

    func stop() {
        let stopping = lock.withLock { () -> HTTPServer? in
            defer { server = nil }
            return server
        }
        stopping?.stop()
        eventReady.signal()  // release a /next that is waiting, so its thread ends
    }

    /// Hands `invocation` to the next `/next`.
    func enqueue(_ invocation: PendingInvocation) {
        lock.withLock { queued = invocation }
        eventReady.signal()
    }

    /// The init error the function posted, if any.
    var reportedInitError: [UInt8]? { lock.withLock { initError } }

    private func handle(_ request: HTTPRequest) -> HTTPResponse {
        let path = request.path
        if request.method == "GET", path == RuntimeAPI.nextPath { return next() }
        guard request.method == "POST" else { return .message(405, "method not allowed") }
        if path == RuntimeAPI.initErrorPath {
            lock.withLock { initError = request.body }
            lock.withLock { current ?? queued }?.complete(.initError(report: request.body))
            return accepted
        }
        let prefix = RuntimeAPI.versionPrefix + "/runtime/invocation/"
        guard path.hasPrefix(prefix) else { return .message(404, "not found") }
        let parts = path.dropFirst(prefix.count).split(separator: "/")
        guard parts.count == 2, parts[1] == "response" || parts[1] == "error" else { return .message(404, "not found") }
        guard let invocation = lock.withLock({ current }), invocation.requestId == parts[0] else {
            return errorAnswer(400, "InvalidRequestID", "unknown request id")
        }
        guard request.body.count <= RuntimeAPI.maximumResponseByteCount else {
            return errorAnswer(413, "RequestEntityTooLarge", "response exceeds 6 MB")
        }
        let outcome: InvocationResult = parts[1] == "response"
            ? .response(request.body)
            : .functionError(report: request.body, type: request.header(RuntimeAPI.Header.functionErrorType))
        guard invocation.complete(outcome) else { return errorAnswer(403, "InvalidStateTransition", "already answered") }
        return accepted
    }

    private func next() -> HTTPResponse {
        lock.withLock { if firstNextAt == nil { firstNextAt = .now } }
        while true {
            eventReady.wait()
            let invocation = lock.withLock { () -> PendingInvocation? in
                defer { queued = nil }
                if let queued { current = queued }
                return queued
            }
            guard let invocation else {
                if lock.withLock({ server == nil }) { return .message(500, "stopped") }
                continue
            }
            return HTTPResponse(status: 200, headers: [
                HTTPField(name: "Content-Type", value: "application/json"),
                HTTPField(name: RuntimeAPI.Header.requestId, value: invocation.requestId),
                HTTPField(name: RuntimeAPI.Header.deadline, value: String(invocation.deadlineMilliseconds)),
                HTTPField(name: RuntimeAPI.Header.invokedFunctionARN, value: "arn:aws:lambda:us-east-1:000000000000:function:local"),
                HTTPField(name: RuntimeAPI.Header.traceId, value: "Root=1-\(String(Int(Date().timeIntervalSince1970), radix: 16))-\(invocation.requestId.prefix(24));Sampled=0"),
            ], body: invocation.event)
        }
    }

    private let accepted = HTTPResponse(status: 202, headers: [HTTPField(name: "Content-Type", value: "application/json")], body: Array(#"{"status":"OK"}"#.utf8))

    private func errorAnswer(_ status: Int, _ type: String, _ message: String) -> HTTPResponse {
        HTTPResponse(status: status, headers: [HTTPField(name: "Content-Type", value: "application/json")],
                     body: Array(#"{"errorMessage":"\#(message)","errorType":"\#(type)"}"#.utf8))
    }
}
