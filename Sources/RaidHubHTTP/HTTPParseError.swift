/// Why bytes are not an acceptable HTTP/1.1 request; the server answers with `status` and closes.
public enum HTTPParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The request line or a header is not HTTP/1.1 syntax.
    case malformed(String)
    /// The request line and headers exceed the limit.
    case headersTooLarge(limit: Int)
    /// The body exceeds the limit.
    case bodyTooLarge(limit: Int)
    /// A transfer coding other than `chunked`, or a version other than HTTP/1.0 and 1.1.
    case unsupported(String)

    /// The status to answer with: 400, 431, 413 or 501/505.
    public var status: Int {
        switch self {
        case .malformed: 400
        case .headersTooLarge: 431
        case .bodyTooLarge: 413
        case .unsupported(let what): what.hasPrefix("HTTP version") ? 505 : 501
        }
    }

    /// A one-line explanation (never quotes the request).
    public var description: String {
        switch self {
        case .malformed(let what): "malformed request: \(what)"
        case .headersTooLarge(let limit): "request line and headers exceed \(limit) bytes"
        case .bodyTooLarge(let limit): "body exceeds \(limit) bytes"
        case .unsupported(let what): "unsupported: \(what)"
        }
    }
}
