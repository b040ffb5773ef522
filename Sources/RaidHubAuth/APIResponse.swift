/// An HTTP answer, independent of how it travels (API Gateway 1.0, 2.0, a test).
public struct APIResponse: Sendable, Equatable {
    /// The HTTP status code.
    public var status: Int
    /// Response headers; names as API Gateway passes them on.
    public var headers: [String: String]
    /// The body bytes.
    public var body: [UInt8]
    /// The envelope's `code` when this is an error answer, for the log.
    public var errorCode: APIErrorCode?
    /// Extra fields for the invocation's log line (never a secret, a token or a body).
    public var logDetails: [String: String] = [:]

    /// An answer with these parts.
    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = [], errorCode: APIErrorCode? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.errorCode = errorCode
    }

    /// The body as UTF-8 text.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
