import RaidHubJSON
import RaidHubTime

/// Writes RaidHub's response envelopes: `{"minted":…,"success":true,"response":{…}}` and
/// `{"minted":…,"success":false,"code":…,"error":{…}}`.
public enum ResponseEnvelope {
    /// 200 with the token and its expiry; `minted` is when the answer was made.
    public static func success(_ token: MintedToken, minted: UnixTime) -> APIResponse {
        var writer = JSONWriter(capacity: token.value.utf8.count + 128)
        writeHead(to: &writer, minted: minted, success: true)
        writer.key("response")
        writer.openObject()
        writer.key("value")
        writer.string(token.value)
        writer.key("expires")
        writer.string(token.expires.iso8601)
        writer.closeObject()
        writer.closeObject()
        return APIResponse(status: 200, headers: jsonHeaders, body: writer.bytes)
    }

    /// 200 with any `response` object the caller writes.
    public static func success(minted: UnixTime, response writeResponse: (inout JSONWriter) -> Void) -> APIResponse {
        var writer = JSONWriter()
        writeHead(to: &writer, minted: minted, success: true)
        writer.key("response")
        writeResponse(&writer)
        writer.closeObject()
        return APIResponse(status: 200, headers: jsonHeaders, body: writer.bytes)
    }

    /// The error's status, with its code and details.
    public static func failure(_ error: APIError, minted: UnixTime) -> APIResponse {
        var writer = JSONWriter()
        writeHead(to: &writer, minted: minted, success: false)
        writer.key("code")
        writer.string(error.code.rawValue)
        writer.key("error")
        error.writeDetails(to: &writer)
        writer.closeObject()
        return APIResponse(
            status: error.code.status, headers: jsonHeaders.merging(error.headers) { $1 }, body: writer.bytes, errorCode: error.code)
    }

    /// Built by insertion, not from a literal: a literal has the runtime build the dictionary's
    /// type from its mangled name, which means scanning every protocol conformance in the binary
    /// for `String: Hashable`, about a tenth of a cold start.
    private static let jsonHeaders: [String: String] = {
        var headers = [String: String](minimumCapacity: 1)
        headers["Content-Type"] = "application/json"
        return headers
    }()

    private static func writeHead(to writer: inout JSONWriter, minted: UnixTime, success: Bool) {
        writer.openObject()
        writer.key("minted")
        writer.string(minted.iso8601)
        writer.key("success")
        writer.bool(success)
    }
}
