import RaidHubJSON

/// A handler's HTTP answer, decoded from either API Gateway response shape.
public struct TestHTTPResponse: Sendable, Equatable {
    /// The status code.
    public let status: Int
    /// The headers.
    public let headers: [String: String]
    /// The body text.
    public let body: String

    /// The answer a handler wrote, or an error when it is not an API Gateway response.
    public init(decoding payload: [UInt8]) throws {
        guard let object = try JSONParser.parse(payload).objectValue,
              case .number(let status)? = object["statusCode"], let code = status.int64Value
        else { throw NotAnHTTPAnswer() }
        self.status = Int(code)
        var headers: [String: String] = [:]
        for member in object["headers"]?.objectValue?.members ?? [] {
            headers[member.key] = member.value.stringValue
        }
        self.headers = headers
        body = object["body"]?.stringValue ?? ""
    }

    /// The body parsed as JSON.
    public var json: JSONValue {
        get throws { try JSONParser.parse(body) }
    }

    /// The handler's payload is not `{"statusCode":…}`.
    public struct NotAnHTTPAnswer: Error {}
}
