/// A function's logic: the bytes of one event in, the bytes of one response out.
///
/// Handlers hold configuration only, never per-request state, so one value serves every
/// invocation of a warm process.
public protocol LambdaHandler: Sendable {
    /// Answers one event. Throwing reports the invocation as failed through the Runtime API.
    func handle(_ event: [UInt8], context: InvocationContext) throws(FunctionError) -> InvocationOutput
}

/// A handler's answer and what the invocation's log line says about it.
public struct InvocationOutput: Sendable, Equatable {
    /// The response payload (JSON).
    public var payload: [UInt8]
    /// The outcome, for the log: never a secret, a token or a body.
    public var outcome: InvocationOutcome

    /// An answer with `payload` whose outcome is `outcome`.
    public init(payload: [UInt8], outcome: InvocationOutcome) {
        self.payload = payload
        self.outcome = outcome
    }
}

/// What happened, in the words of the log line.
public enum InvocationOutcome: Sendable, Equatable {
    /// An HTTP answer: its status, for an error the envelope's code, and extra log fields.
    case http(status: Int, errorCode: String?, details: [String: String] = [:])
    /// An authorizer's decision and, for a deny, why.
    case authorization(allowed: Bool, reason: String?)
}
