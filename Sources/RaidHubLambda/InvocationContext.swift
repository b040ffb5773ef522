/// What a handler knows about the invocation it serves, besides the event.
public struct InvocationContext: Sendable {
    /// The request id Lambda assigned.
    public var requestId: String
    /// When Lambda stops the invocation, in milliseconds since the epoch.
    public var deadlineMilliseconds: Int64
    /// The ARN the function was invoked by.
    public var invokedFunctionARN: String
    /// The X-Ray trace header, when there is one.
    public var traceId: String?
    /// The mobile client context, when a client sent one.
    public var clientContext: String?
    /// The Cognito identity, when a client sent one.
    public var cognitoIdentity: String?

    /// A context with every field given.
    public init(
        requestId: String, deadlineMilliseconds: Int64, invokedFunctionARN: String,
        traceId: String? = nil, clientContext: String? = nil, cognitoIdentity: String? = nil
    ) {
        self.requestId = requestId
        self.deadlineMilliseconds = deadlineMilliseconds
        self.invokedFunctionARN = invokedFunctionARN
        self.traceId = traceId
        self.clientContext = clientContext
        self.cognitoIdentity = cognitoIdentity
    }
}
