/// Serialises an HTTP/1.1 response head and body into one buffer, so it leaves in one write
/// (two small writes meet Nagle's algorithm and a delayed ACK: 40 ms each time).
public enum HTTPResponseWriter {
    /// `HTTP/1.1 status reason`, the headers, `Content-Length`, and the body; without the body
    /// when answering `HEAD` (RFC 9110 §9.3.2: the same head, no content). What may not go on the
    /// wire never does, whoever built the response: a field that is not valid (a CR or LF in
    /// its value would split the message) is left out, and a 1xx, 204 or 304 has no content
    /// (RFC 9110 §15), so no body and no `Content-Length`.
    public static func serialize(status: Int, headers: [HTTPField], body: [UInt8], keepAlive: Bool, includeBody: Bool = true) -> [UInt8] {
        var head = "HTTP/1.1 \(status) \(reasonPhrase(status))\r\n"
        for field in headers where field.isValid && !["content-length", "connection", "transfer-encoding"].contains(field.name.lowercased()) {
            head += "\(field.name): \(field.value)\r\n"
        }
        let hasContent = !(100..<200).contains(status) && status != 204 && status != 304
        if hasContent { head += "Content-Length: \(body.count)\r\n" }
        if !keepAlive { head += "Connection: close\r\n" }
        head += "\r\n"
        return includeBody && hasContent ? Array(head.utf8) + body : Array(head.utf8)
    }

    /// The standard reason phrase for the statuses this project answers with.
    public static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 202: "Accepted"
        case 204: "No Content"
        case 304: "Not Modified"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 413: "Content Too Large"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        case 100: "Continue"
        case 505: "HTTP Version Not Supported"
        default: "Status \(status)"
        }
    }
}
