import RaidHubAPIGateway
import RaidHubJSON

/// An HTTP request to send to a handler as API Gateway would deliver it.
public struct TestHTTPRequest: Sendable {
    /// The method.
    public var method: String
    /// The path.
    public var path: String
    /// Headers (HTTP API 2.0 events lower-case their names; REST events keep them).
    public var headers: [String: String]
    /// The body text.
    public var body: String
    /// Which API Gateway payload to deliver it as.
    public var format: PayloadFormat

    /// A request; by default a JSON `POST` delivered as HTTP API payload 2.0.
    public init(
        method: String = "POST", path: String, headers: [String: String] = ["content-type": "application/json"],
        body: String = "", format: PayloadFormat = .version2
    ) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.format = format
    }

    /// The API Gateway event for this request.
    public var event: [UInt8] {
        var writer = JSONWriter(capacity: body.utf8.count + 512)
        writer.openObject()
        switch format {
        case .version2:
            writer.key("version"); writer.string("2.0")
            writer.key("routeKey"); writer.string("\(method) \(path)")
            writer.key("rawPath"); writer.string(path)
            writer.key("rawQueryString"); writer.string("")
            writeHeaders(to: &writer, lowercased: true)
            writer.key("requestContext"); writer.openObject()
            writer.key("http"); writer.openObject()
            writer.key("method"); writer.string(method)
            writer.key("path"); writer.string(path)
            writer.key("protocol"); writer.string("HTTP/1.1")
            writer.key("sourceIp"); writer.string("127.0.0.1")
            writer.closeObject()
            writer.key("requestId"); writer.string("test-api-request-id")
            writer.closeObject()
        case .version1:
            writer.key("resource"); writer.string(path)
            writer.key("path"); writer.string(path)
            writer.key("httpMethod"); writer.string(method)
            writeHeaders(to: &writer, lowercased: false)
            writer.key("requestContext"); writer.openObject()
            writer.key("requestId"); writer.string("test-api-request-id")
            writer.closeObject()
        }
        writer.key("body"); writer.string(body)
        writer.key("isBase64Encoded"); writer.bool(false)
        writer.closeObject()
        return writer.bytes
    }

    private func writeHeaders(to writer: inout JSONWriter, lowercased: Bool) {
        writer.key("headers")
        writer.openObject()
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) {
            writer.key(lowercased ? name.lowercased() : name)
            writer.string(value)
        }
        writer.closeObject()
    }
}
