import Foundation
import RaidHubLambda

/// A Runtime API that hands out a script of `/next` answers and records every call, so the loop
/// is tested without sockets. When the script runs out, `/next` answers 500.
final class ScriptedRuntimeAPIClient: RuntimeAPIClient, @unchecked Sendable {
    enum Call: Equatable {
        case response(requestId: String, payload: String)
        case error(requestId: String, type: String)
        case initError(type: String)
    }

    private let lock = NSLock()
    private var script: [Result<Result<Invocation, InvocationHeaderError>, RuntimeAPIClientError>]
    private var recorded: [Call] = []
    /// Status the Runtime API answers `/response` with for these request ids.
    private let refusedResponses: [String: Int]

    init(_ script: [Result<Result<Invocation, InvocationHeaderError>, RuntimeAPIClientError>], refusedResponses: [String: Int] = [:]) {
        self.script = script
        self.refusedResponses = refusedResponses
    }

    var calls: [Call] { lock.withLock { recorded } }

    func nextInvocation() throws(RuntimeAPIClientError) -> Result<Invocation, InvocationHeaderError> {
        let next = lock.withLock { script.isEmpty ? .failure(.environmentBroken) : script.removeFirst() }
        return try next.get()
    }

    func sendResponse(_ payload: [UInt8], requestId: String) throws(RuntimeAPIClientError) {
        if let status = refusedResponses[requestId] { throw status >= 500 ? .environmentBroken : .unexpectedStatus(status) }
        lock.withLock { recorded.append(.response(requestId: requestId, payload: String(decoding: payload, as: UTF8.self))) }
    }

    func sendError(_ error: FunctionError, requestId: String) throws(RuntimeAPIClientError) {
        lock.withLock { recorded.append(.error(requestId: requestId, type: error.code.rawValue)) }
    }

    func sendInitError(_ error: FunctionError) throws(RuntimeAPIClientError) {
        lock.withLock { recorded.append(.initError(type: error.code.rawValue)) }
    }

    /// An invocation of `event` with complete headers.
    static func invocation(_ requestId: String, _ event: String) -> Result<Result<Invocation, InvocationHeaderError>, RuntimeAPIClientError> {
        let headers = [RuntimeAPI.Header.requestId: requestId, RuntimeAPI.Header.deadline: "1709508603000",
                       RuntimeAPI.Header.invokedFunctionARN: "arn:aws:lambda:us-east-1:123456789012:function:test",
                       RuntimeAPI.Header.traceId: "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1"]
        return .success(Invocation.read(event: Array(event.utf8)) { headers[$0] })
    }
}

/// Echoes the event, or fails with `InvalidEvent` when the event is `fail`.
struct EchoHandler: LambdaHandler {
    func handle(_ event: [UInt8], context: InvocationContext) throws(FunctionError) -> InvocationOutput {
        if event == Array("fail".utf8) { throw FunctionError(.invalidEvent, "cannot handle this event") }
        return InvocationOutput(payload: event, outcome: .http(status: 200, errorCode: nil))
    }
}

/// Collects log lines.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    var all: [String] { lock.withLock { lines } }
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    func log(_ function: String = "test") -> InvocationLog { InvocationLog(functionName: function) { self.append($0) } }
}
