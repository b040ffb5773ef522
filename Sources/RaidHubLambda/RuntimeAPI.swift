/// Every wire constant of the Lambda Runtime API, written once and shared by the client here and
/// by `local-runner`, which serves the same API.
public enum RuntimeAPI {
    /// The environment variable holding `host:port` of the Runtime API.
    public static let environmentVariable = "AWS_LAMBDA_RUNTIME_API"
    /// The path prefix of every call.
    public static let versionPrefix = "/2018-06-01"
    /// `GET`: blocks until an event arrives.
    public static let nextPath = versionPrefix + "/runtime/invocation/next"
    /// `POST`: the function could not start.
    public static let initErrorPath = versionPrefix + "/runtime/init/error"

    /// `POST`: the result of invocation `requestId`.
    public static func responsePath(requestId: String) -> String {
        versionPrefix + "/runtime/invocation/" + requestId + "/response"
    }

    /// `POST`: invocation `requestId` failed.
    public static func errorPath(requestId: String) -> String {
        versionPrefix + "/runtime/invocation/" + requestId + "/error"
    }

    /// Header names, as the Runtime API writes them (HTTP compares them case-insensitively).
    public enum Header {
        public static let requestId = "Lambda-Runtime-Aws-Request-Id"
        public static let deadline = "Lambda-Runtime-Deadline-Ms"
        public static let invokedFunctionARN = "Lambda-Runtime-Invoked-Function-Arn"
        public static let traceId = "Lambda-Runtime-Trace-Id"
        public static let clientContext = "Lambda-Runtime-Client-Context"
        public static let cognitoIdentity = "Lambda-Runtime-Cognito-Identity"
        public static let functionErrorType = "Lambda-Runtime-Function-Error-Type"
    }

    /// The environment variable the trace id of the current invocation is copied into.
    public static let traceIdEnvironmentVariable = "_X_AMZN_TRACE_ID"
    /// Lambda's limit on a synchronous invocation's request (its event), in bytes: 6 MB.
    /// Lambda refuses a larger invoke (413, `RequestEntityTooLargeException`) before any
    /// function sees it.
    public static let maximumRequestByteCount = 6_291_456
    /// Lambda's limit on a response, in bytes: 100 more than a request's (the figure its error
    /// names); the Runtime API answers a larger one 413 and the invocation fails.
    public static let maximumResponseByteCount = 6_291_556
}
