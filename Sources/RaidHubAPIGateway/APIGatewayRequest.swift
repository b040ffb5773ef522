import RaidHubJSON

/// An HTTP request as API Gateway delivers it, in either payload format, as one value.
public struct APIGatewayRequest: Sendable {
    /// The shape the event came in; the response goes back in the same one.
    public let format: PayloadFormat
    /// `GET`, `POST`, ... (upper case).
    public let method: String
    /// The request path.
    public let path: String
    /// The request headers.
    public let headers: HTTPHeaders
    /// The body, base64-decoded when the event says so; nil when that decoding failed.
    public let body: [UInt8]?
    /// API Gateway's request id, when the event has one.
    public let requestId: String?
    /// What a Lambda authorizer passed on: `requestContext.authorizer.lambda` (2.0) or
    /// `requestContext.authorizer` (1.0); nil when no authorizer ran.
    public let authorizerContext: JSONObject?

    /// Decodes an API Gateway event; anything else is an `InvalidEvent` function error.
    public static func decode(_ event: [UInt8]) throws(APIGatewayEventError) -> APIGatewayRequest {
        let object = try APIGatewayEventError.object(event)
        guard let format = PayloadFormat.of(object, requiring: "httpMethod") else {
            throw .unknownShape("not an API Gateway HTTP API 2.0 or REST API 1.0 request event")
        }
        let context = object["requestContext"]?.objectValue
        let method: String?
        let path: String?
        switch format {
        case .version2:
            let http = context?["http"]?.objectValue
            method = http?["method"]?.stringValue
            path = object["rawPath"]?.stringValue ?? http?["path"]?.stringValue
        case .version1:
            method = object["httpMethod"]?.stringValue
            path = object["path"]?.stringValue
        }
        guard let method, let path else { throw .unknownShape("the event has no HTTP method or path") }
        var headers = HTTPHeaders.from(object["headers"])
        if format == .version1, headers.isEmpty {
            for member in object["multiValueHeaders"]?.objectValue?.members ?? [] {
                for value in member.value.arrayValue ?? [] { if let value = value.stringValue { headers.add(member.key, value) } }
            }
        }
        let authorizer = context?["authorizer"]?.objectValue
        return APIGatewayRequest(
            format: format, method: method.uppercased(), path: path, headers: headers,
            body: Self.body(object), requestId: context?["requestId"]?.stringValue,
            authorizerContext: format == .version2 ? authorizer?["lambda"]?.objectValue : authorizer)
    }

    private static func body(_ event: JSONObject) -> [UInt8]? {
        guard case .string(let text)? = event["body"] else { return [] }
        guard event["isBase64Encoded"] == .bool(true) else { return Array(text.utf8) }
        return Base64.decode(text)
    }
}
