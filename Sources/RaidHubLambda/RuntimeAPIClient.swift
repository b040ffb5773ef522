/// The seam between the invocation loop and the Runtime API transport, so tests drive the loop
/// with a fake and no sockets.
public protocol RuntimeAPIClient: Sendable {
    /// Blocks until the next event (there is no time limit on this wait).
    func nextInvocation() throws(RuntimeAPIClientError) -> Result<Invocation, InvocationHeaderError>
    /// Sends the result of invocation `requestId`.
    func sendResponse(_ payload: [UInt8], requestId: String) throws(RuntimeAPIClientError)
    /// Reports invocation `requestId` as failed.
    func sendError(_ error: FunctionError, requestId: String) throws(RuntimeAPIClientError)
    /// Reports that the function could not start.
    func sendInitError(_ error: FunctionError) throws(RuntimeAPIClientError)
}

/// A Runtime API call that failed.
public enum RuntimeAPIClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The Runtime API answered 500: the environment is broken and the process must exit.
    case environmentBroken
    /// Not reachable, or the connection failed.
    case transport(String)
    /// An answer the call does not expect (e.g. 400 InvalidRequestID, 403, 413).
    case unexpectedStatus(Int)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .environmentBroken: "the Runtime API answered 500"
        case .transport(let reason): "Runtime API unreachable: \(reason)"
        case .unexpectedStatus(let status): "the Runtime API answered \(status)"
        }
    }
}
