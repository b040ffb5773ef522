/// One event handed out by `GET /next`, with the context its headers carry.
public struct Invocation: Sendable {
    /// The event bytes.
    public let event: [UInt8]
    /// The context, read from the headers.
    public let context: InvocationContext

    /// An invocation with these parts.
    public init(event: [UInt8], context: InvocationContext) {
        self.event = event
        self.context = context
    }

    /// Reads the context from `/next`'s headers (`header` looks one up case-insensitively).
    /// The request id is required to answer at all; the deadline and ARN are required to serve.
    public static func read(
        event: [UInt8], header: (String) -> String?
    ) -> Result<Invocation, InvocationHeaderError> {
        guard let requestId = header(RuntimeAPI.Header.requestId), !requestId.isEmpty else {
            return .failure(.missingRequestId)
        }
        guard let deadline = header(RuntimeAPI.Header.deadline).flatMap({ Int64($0) }) else {
            return .failure(.invalid(requestId: requestId, header: RuntimeAPI.Header.deadline))
        }
        guard let arn = header(RuntimeAPI.Header.invokedFunctionARN), !arn.isEmpty else {
            return .failure(.invalid(requestId: requestId, header: RuntimeAPI.Header.invokedFunctionARN))
        }
        let context = InvocationContext(
            requestId: requestId, deadlineMilliseconds: deadline, invokedFunctionARN: arn,
            traceId: header(RuntimeAPI.Header.traceId), clientContext: header(RuntimeAPI.Header.clientContext),
            cognitoIdentity: header(RuntimeAPI.Header.cognitoIdentity))
        return .success(Invocation(event: event, context: context))
    }
}

/// A `/next` answer whose headers do not describe an invocation.
public enum InvocationHeaderError: Error, Sendable, Equatable {
    /// No request id: nothing can be answered, the event is dropped and logged.
    case missingRequestId
    /// A required header is missing or malformed: the invocation is reported as failed.
    case invalid(requestId: String, header: String)
}
