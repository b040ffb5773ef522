import Foundation
import RaidHubHTTP
import RaidHubJSON

/// What API Gateway makes of a function's answer.
enum GatewayResponse {
    static func from(_ result: InvocationResult, payloadVersion2: Bool) -> HTTPResponse {
        switch result {
        case .response(let payload):
            return http(payload, payloadVersion2: payloadVersion2) ?? .message(502, "Internal Server Error")
        case .timedOut:
            return .message(504, "Endpoint request timed out")
        case .functionError, .initError, .crashed:
            return .message(502, "Internal Server Error")
        case .throttled:
            // Lambda refused the invoke itself: API Gateway's 500, not a function's 502.
            return .message(500, "Internal Server Error")
        }
    }

    /// The integration timeout passed before the function answered: HTTP APIs give up with 503,
    /// REST APIs with 504.
    static func integrationTimedOut(httpAPI: Bool) -> HTTPResponse {
        httpAPI ? .message(503, "Service Unavailable") : .message(504, "Endpoint request timed out")
    }

    /// `{statusCode, headers, multiValueHeaders, cookies, body, isBase64Encoded}`; for payload 2.0,
    /// an answer without `statusCode` is itself the JSON body of a 200, as HTTP APIs treat it.
    private static func http(_ payload: [UInt8], payloadVersion2: Bool) -> HTTPResponse? {
        guard let value = try? JSONParser.parse(payload) else { return nil }
        guard let object = value.objectValue, case .number(let code)? = object["statusCode"], let status = code.int64Value,
              (100...599).contains(status)
        else {
            return payloadVersion2 ? HTTPResponse(status: 200, headers: [HTTPField(name: "Content-Type", value: "application/json")], body: payload) : nil
        }
        var headers: [HTTPField] = []
        for member in object["headers"]?.objectValue?.members ?? [] {
            if let text = member.value.stringValue { headers.append(HTTPField(name: member.key, value: text)) }
        }
        for member in object["multiValueHeaders"]?.objectValue?.members ?? [] where !headers.contains(where: { $0.name.lowercased() == member.key.lowercased() }) {
            for item in member.value.arrayValue ?? [] { if let text = item.stringValue { headers.append(HTTPField(name: member.key, value: text)) } }
        }
        for cookie in object["cookies"]?.arrayValue ?? [] { if let text = cookie.stringValue { headers.append(HTTPField(name: "Set-Cookie", value: text)) } }
        var body = Array((object["body"]?.stringValue ?? "").utf8)
        if object["isBase64Encoded"] == .bool(true) {
            guard let decoded = Data(base64Encoded: String(decoding: body, as: UTF8.self)) else { return nil }
            body = Array(decoded)
        }
        return HTTPResponse(status: Int(status), headers: headers, body: body)
    }
}
