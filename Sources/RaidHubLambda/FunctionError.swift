import RaidHubJSON

/// Why an invocation failed, reported as `{"errorType","errorMessage","stackTrace":[]}`.
public struct FunctionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure; its raw value is the report's `errorType`.
    public enum Code: String, Sendable, Equatable {
        /// The event is not JSON, or not a shape this function knows.
        case invalidEvent = "InvalidEvent"
        /// The event is larger than this function reads.
        case eventTooLarge = "EventTooLarge"
        /// The function's configuration is missing or invalid (an init error).
        case invalidConfiguration = "InvalidConfiguration"
        /// A required Runtime API header was missing or malformed.
        case invalidInvocation = "InvalidInvocation"
        /// The response was larger than the Runtime API accepts.
        case responseTooLarge = "ResponseTooLarge"
    }

    /// The kind of failure.
    public let code: Code
    /// A one-line explanation: never a secret, a token or the event.
    public let message: String

    /// A failure of kind `code`.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `errorType: message`.
    public var description: String { "\(code.rawValue): \(message)" }

    /// The JSON body the Runtime API expects at `/error` and `/init/error`.
    public var reportBody: [UInt8] {
        var writer = JSONWriter(capacity: 64 + message.utf8.count)
        writer.openObject()
        writer.key("errorMessage")
        writer.string(message)
        writer.key("errorType")
        writer.string(code.rawValue)
        writer.key("stackTrace")
        writer.openArray()
        writer.closeArray()
        writer.closeObject()
        return writer.bytes
    }
}
