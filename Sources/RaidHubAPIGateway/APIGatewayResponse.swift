import RaidHubJSON

/// Writes an HTTP answer in the shape API Gateway expects for the request's payload format.
public enum APIGatewayResponse {
    /// 2.0: `{statusCode, headers, body, isBase64Encoded[, cookies]}`;
    /// 1.0: `{statusCode, headers, multiValueHeaders, body, isBase64Encoded}`.
    /// The body is UTF-8 text (every answer here is JSON), so it is never base64-encoded.
    public static func encode(
        status: Int, headers: [String: String], body: [UInt8], cookies: [String] = [], format: PayloadFormat
    ) -> [UInt8] {
        var writer = JSONWriter(capacity: body.count + 128)
        let sortedHeaders = headers.sorted { $0.key < $1.key }
        writer.openObject()
        writer.key("statusCode")
        writer.integer(Int64(status))
        writer.key("headers")
        writer.openObject()
        for (name, value) in sortedHeaders { writer.key(name); writer.string(value) }
        writer.closeObject()
        if format == .version1 {
            writer.key("multiValueHeaders")
            writer.openObject()
            for (name, value) in sortedHeaders { writer.key(name); writer.openArray(); writer.string(value); writer.closeArray() }
            if !cookies.isEmpty {
                writer.key("Set-Cookie"); writer.openArray()
                for cookie in cookies { writer.string(cookie) }
                writer.closeArray()
            }
            writer.closeObject()
        }
        writer.key("body")
        writer.string(String(decoding: body, as: UTF8.self))
        writer.key("isBase64Encoded")
        writer.bool(false)
        if format == .version2, !cookies.isEmpty {
            writer.key("cookies"); writer.openArray()
            for cookie in cookies { writer.string(cookie) }
            writer.closeArray()
        }
        writer.closeObject()
        return writer.bytes
    }
}
