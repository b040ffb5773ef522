import Foundation
import RaidHubEmulation
import RaidHubHTTP
import RaidHubJSON
import RaidHubTemplate

/// What API Gateway makes of a function's answer: the HTTP response it describes, or the
/// gateway's own error. An HTTP API says `{"message":"Internal Server Error"}`, a REST API
/// `{"message":"Internal server error"}` (the Lambda developer guide's wording).
enum GatewayResponse {
    static func from(_ result: InvocationResult, route: SAMTemplate.Route) -> HTTPResponse {
        switch result {
        case .response(let payload):
            // A malformed answer: an HTTP API's 500 (its logs say MALFORMED_PROXY_RESPONSE),
            // a REST API's 502 ("Malformed Lambda proxy response").
            return http(payload, payloadVersion2: route.payloadVersion2) ?? internalError(route.isHTTPAPI ? 500 : 502, route)
        case .timedOut:
            return .message(504, "Endpoint request timed out")
        case .functionError, .initError, .crashed:
            return internalError(502, route)
        case .throttled, .queueFull, .requestTooLarge:
            // Lambda refused the invoke itself: "If the Lambda API rejects the invocation
            // request, API Gateway returns a 500 error code."
            return internalError(500, route)
        }
    }

    /// The integration timeout passed before the function answered: HTTP APIs give up with 503,
    /// REST APIs with 504.
    static func integrationTimedOut(httpAPI: Bool) -> HTTPResponse {
        httpAPI ? .message(503, "Service Unavailable") : .message(504, "Endpoint request timed out")
    }

    private static func internalError(_ status: Int, _ route: SAMTemplate.Route) -> HTTPResponse {
        .message(status, route.isHTTPAPI ? "Internal Server Error" : "Internal server error")
    }

    /// `{statusCode, headers, multiValueHeaders, cookies, body, isBase64Encoded}`; for payload 2.0,
    /// an answer without `statusCode` is itself the JSON body of a 200, as HTTP APIs treat it.
    /// Nil when it is malformed: not JSON, a status that is not a final one (100-599 less 1xx),
    /// a header or cookie that could not go on the wire as it is (a CR, LF or NUL in its value
    /// would add fields of its own to the answer), a body that is not the base64 it says.
    /// A repeated key is read as API Gateway reads it: the last one counts.
    private static func http(_ payload: [UInt8], payloadVersion2: Bool) -> HTTPResponse? {
        guard let value = try? JSONParser.parse(payload, duplicateKeys: .lastWins) else { return nil }
        guard let object = value.objectValue, let statusValue = object["statusCode"] else {
            return payloadVersion2 ? HTTPResponse(status: 200, headers: [HTTPField(name: "Content-Type", value: "application/json")], body: payload) : nil
        }
        guard case .number(let code) = statusValue, let status = code.int64Value, (200...599).contains(status) else { return nil }
        var headers: [HTTPField] = []
        for member in object["headers"]?.objectValue?.members ?? [] {
            if let text = member.value.stringValue { headers.append(HTTPField(name: member.key, value: text)) }
        }
        for member in object["multiValueHeaders"]?.objectValue?.members ?? [] where !headers.contains(where: { $0.name.lowercased() == member.key.lowercased() }) {
            for item in member.value.arrayValue ?? [] { if let text = item.stringValue { headers.append(HTTPField(name: member.key, value: text)) } }
        }
        for cookie in object["cookies"]?.arrayValue ?? [] { if let text = cookie.stringValue { headers.append(HTTPField(name: "Set-Cookie", value: text)) } }
        guard headers.allSatisfy(\.isValid) else { return nil }
        var body = Array((object["body"]?.stringValue ?? "").utf8)
        if object["isBase64Encoded"] == .bool(true) {
            guard let decoded = Data(base64Encoded: String(decoding: body, as: UTF8.self)) else { return nil }
            body = Array(decoded)
        }
        return HTTPResponse(status: Int(status), headers: headers, body: body)
    }
}
