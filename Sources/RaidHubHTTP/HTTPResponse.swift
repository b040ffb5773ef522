/// An answer the server writes back.
public struct HTTPResponse: Sendable, Equatable {
    /// The status code.
    public var status: Int
    /// Header fields (the server adds `Content-Length` and `Connection`).
    public var headers: [HTTPField]
    /// The body.
    public var body: [UInt8]
    /// Whether the server closes the connection once this answer is written, whatever the
    /// request asked (`Connection: close`): for a client that is not to be served again.
    public var closesConnection = false

    /// An answer with these parts.
    public init(status: Int, headers: [HTTPField] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON answer `{"message": message}`, the shape API Gateway and the Lambda emulator use.
    public static func message(_ status: Int, _ message: String) -> HTTPResponse {
        var escaped = ""
        for scalar in message.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case _ where scalar.value < 0x20: escaped += " "
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return HTTPResponse(
            status: status, headers: [HTTPField(name: "Content-Type", value: "application/json")],
            body: Array("{\"message\":\"\(escaped)\"}".utf8))
    }
}
