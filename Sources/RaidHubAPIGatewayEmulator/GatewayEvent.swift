import Foundation
import RaidHubEmulation
import RaidHubHTTP
import RaidHubJSON
import RaidHubTemplate

/// The events API Gateway sends for an HTTP request: HTTP API payload 2.0, REST payload 1.0, and
/// the HTTP API authorizer's 2.0 REQUEST event.
package struct GatewayEvent {
    let request: HTTPRequest
    let route: SAMTemplate.Route
    let pathParameters: [String: String]
    let requestId = LocalIdentifier.uuid()
    let sourceIP: String
    let host: String
    /// The region the runner emulates (`--region`): in the authorizer's `routeArn`.
    let region: String
    /// When the request arrived: `requestContext.timeEpoch` and `time`.
    let timeEpochMilliseconds: Int64

    private var routeKey: String { route.isCatchAll ? SAMTemplate.Route.catchAll : "\(route.method) \(route.path)" }

    /// Header names lower-cased and repeats joined with `,`, as HTTP APIs deliver them.
    private var lowerCasedHeaders: [(String, String)] {
        Self.grouped(request.headers.map { ($0.name.lowercased(), $0.value) }, by: { $0 }).map { ($0.name, $0.values.joined(separator: ",")) }
    }

    /// `pairs` grouped by the `key` of their names, in the order each key first comes, under the
    /// first name with that key. Hashed, not searched: a 16 KiB head holds thousands of fields
    /// or query parameters, and a search per pair (as this was) made building one event
    /// quadratic in them, on the runner's loop thread.
    private static func grouped(_ pairs: [(String, String)], by key: (String) -> String) -> [(name: String, values: [String])] {
        var groups: [(name: String, values: [String])] = []
        var indexes: [String: Int] = [:]
        for (name, value) in pairs {
            let key = key(name)
            if let index = indexes[key] {
                groups[index].values.append(value)
            } else {
                indexes[key] = groups.count
                groups.append((name, [value]))
            }
        }
        return groups
    }

    /// The body as API Gateway passes it: text as is, anything not UTF-8 base64-encoded.
    private var body: (text: String, isBase64: Bool)? {
        guard !request.body.isEmpty else { return nil }
        if let text = String(validating: request.body, as: UTF8.self) { return (text, false) }
        return (Data(request.body).base64EncodedString(), true)
    }

    func version2(authorizerContext: JSONValue? = nil) -> [UInt8] {
        var writer = JSONWriter(capacity: request.body.count + 1024)
        writer.openObject()
        writer.key("version"); writer.string("2.0")
        writer.key("routeKey"); writer.string(routeKey)
        writer.key("rawPath"); writer.string(request.path)
        writer.key("rawQueryString"); writer.string(request.query)
        let headers = lowerCasedHeaders
        if let cookie = headers.first(where: { $0.0 == "cookie" }) {
            writer.key("cookies"); writer.openArray()
            for part in cookie.1.split(separator: ";") { writer.string(part.trimmingCharacters(in: .whitespaces)) }
            writer.closeArray()
        }
        writer.key("headers"); writer.openObject()
        for (name, value) in headers where name != "cookie" { writer.key(name); writer.string(value) }
        writer.closeObject()
        writeQuery(to: &writer, multiValue: false)
        if !pathParameters.isEmpty { writer.key("pathParameters"); writeMap(pathParameters, to: &writer) }
        writer.key("requestContext"); writer.openObject()
        writeCommonContext(to: &writer)
        if let authorizerContext {
            writer.key("authorizer"); writer.openObject()
            writer.key("lambda"); writer.value(authorizerContext)
            writer.closeObject()
        }
        writeHTTPContext(to: &writer)
        writer.closeObject()
        writeBody(to: &writer)
        writer.closeObject()
        return writer.bytes
    }

    func version1() -> [UInt8] {
        var writer = JSONWriter(capacity: request.body.count + 1024)
        writer.openObject()
        writer.key("resource"); writer.string(route.path)
        writer.key("path"); writer.string(request.path)
        writer.key("httpMethod"); writer.string(request.method)
        writer.key("headers"); writer.openObject()
        var seen = Set<String>()
        for field in request.headers where seen.insert(field.name.lowercased()).inserted { writer.key(field.name); writer.string(field.value) }
        writer.closeObject()
        writer.key("multiValueHeaders"); writer.openObject()
        for (name, values) in Self.grouped(request.headers.map { ($0.name, $0.value) }, by: { $0.lowercased() }) { writer.key(name); writer.openArray(); values.forEach { writer.string($0) }; writer.closeArray() }
        writer.closeObject()
        writeQuery(to: &writer, multiValue: true)
        writer.key("pathParameters"); if pathParameters.isEmpty { writer.null() } else { writeMap(pathParameters, to: &writer) }
        writer.key("stageVariables"); writer.null()
        writer.key("requestContext"); writer.openObject()
        writeCommonContext(to: &writer)
        writer.key("resourcePath"); writer.string(route.path)
        writer.key("httpMethod"); writer.string(request.method)
        writer.key("path"); writer.string(request.path)
        writer.key("stage"); writer.string("local")
        writer.key("identity"); writer.openObject()
        writer.key("sourceIp"); writer.string(sourceIP)
        writer.key("userAgent"); writer.string(request.header("user-agent") ?? "")
        writer.closeObject()
        writer.closeObject()
        writeBody(to: &writer)
        writer.closeObject()
        return writer.bytes
    }

    /// The values of `authorizer`'s identity sources for this request, or nil when one is
    /// missing. Header repeats are joined with `,` and query repeats too, as HTTP APIs do.
    func identity(for authorizer: LambdaAuthorizer) -> [String]? {
        let headers = lowerCasedHeaders
        let query = queryParameters
        return authorizer.identity(
            header: { name in headers.first { $0.0 == name.lowercased() }?.1 },
            queryString: { name in query.first { $0.0 == name }.map { $0.1.joined(separator: ",") } },
            context: { name in
                switch name {
                case "routeKey": routeKey
                case "requestId": requestId
                case "stage": "$default"
                case "apiId": "local"
                case "accountId": LocalIdentifier.accountId
                case "domainName": host
                case "httpMethod": request.method
                case "path": request.path
                case "identity.sourceIp": sourceIP
                default: nil
                }
            })
    }

    /// The 2.0 REQUEST event for the route's Lambda authorizer; `identitySource` is `[]` when the
    /// authorizer names no identity source, as in events captured from AWS.
    func authorizer(identity: [String]) -> [UInt8] {
        var writer = JSONWriter()
        writer.openObject()
        writer.key("version"); writer.string("2.0")
        writer.key("type"); writer.string("REQUEST")
        writer.key("routeArn"); writer.string("arn:aws:execute-api:\(region):\(LocalIdentifier.accountId):local/$default/\(request.method)\(request.path)")
        writer.key("identitySource"); writer.openArray(); identity.forEach { writer.string($0) }; writer.closeArray()
        writer.key("routeKey"); writer.string(routeKey)
        writer.key("rawPath"); writer.string(request.path)
        writer.key("rawQueryString"); writer.string(request.query)
        writer.key("headers"); writer.openObject()
        for (name, value) in lowerCasedHeaders { writer.key(name); writer.string(value) }
        writer.closeObject()
        writer.key("requestContext"); writer.openObject()
        writeCommonContext(to: &writer)
        writeHTTPContext(to: &writer)
        writer.closeObject()
        writer.closeObject()
        return writer.bytes
    }

    /// `requestContext.http`, `routeKey` and `stage`, shared by the 2.0 and authorizer events.
    private func writeHTTPContext(to writer: inout JSONWriter) {
        writer.key("http"); writer.openObject()
        writer.key("method"); writer.string(request.method)
        writer.key("path"); writer.string(request.path)
        writer.key("protocol"); writer.string("HTTP/1.1")
        writer.key("sourceIp"); writer.string(sourceIP)
        writer.key("userAgent"); writer.string(request.header("user-agent") ?? "")
        writer.closeObject()
        writer.key("routeKey"); writer.string(routeKey)
        writer.key("stage"); writer.string("$default")
    }

    private func writeCommonContext(to writer: inout JSONWriter) {
        writer.key("accountId"); writer.string(LocalIdentifier.accountId)
        writer.key("apiId"); writer.string("local")
        writer.key("domainName"); writer.string(host)
        writer.key("domainPrefix"); writer.string(String(host.split(separator: ".").first ?? "local"))
        writer.key("requestId"); writer.string(requestId)
        writer.key("time"); writer.string(Self.clfDate(Date(timeIntervalSince1970: Double(timeEpochMilliseconds) / 1000)))
        writer.key("timeEpoch"); writer.integer(timeEpochMilliseconds)
    }

    /// The query's parameters in order, each with its values, percent-decoded.
    private var queryParameters: [(name: String, values: [String])] {
        Self.grouped(Self.formFields(request.query), by: { $0 })
    }

    /// `a=1&b&=c` as name and value pairs, percent-decoded (`+` a space, as forms write it): any
    /// text gives pairs, an empty name or value included (`?=` is the pair "" and "").
    package static func formFields(_ text: String) -> [(String, String)] {
        text.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (part: Substring) in String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(part) }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    private func writeQuery(to writer: inout JSONWriter, multiValue: Bool) {
        let values = queryParameters
        guard !values.isEmpty else {
            if multiValue {
                writer.key("queryStringParameters"); writer.null()
                writer.key("multiValueQueryStringParameters"); writer.null()
            }
            return
        }
        writer.key("queryStringParameters"); writer.openObject()
        for (name, list) in values { writer.key(name); writer.string(multiValue ? list.last! : list.joined(separator: ",")) }
        writer.closeObject()
        if multiValue {
            writer.key("multiValueQueryStringParameters"); writer.openObject()
            for (name, list) in values { writer.key(name); writer.openArray(); list.forEach { writer.string($0) }; writer.closeArray() }
            writer.closeObject()
        }
    }

    private func writeMap(_ map: [String: String], to writer: inout JSONWriter) {
        writer.openObject()
        for (key, value) in map.sorted(by: { $0.key < $1.key }) { writer.key(key); writer.string(value) }
        writer.closeObject()
    }

    private func writeBody(to writer: inout JSONWriter) {
        writer.key("body")
        if let body { writer.string(body.text) } else { writer.null() }
        writer.key("isBase64Encoded"); writer.bool(body?.isBase64 ?? false)
    }

    /// `03/Mar/2024:23:30:00 +0000`, the format of `requestContext.time`; by hand with `gmtime_r`,
    /// since a DateFormatter per request was the runner's single largest cost.
    static func clfDate(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(two(parts.tm_mday))/\(months[Int(parts.tm_mon)])/\(parts.tm_year + 1900):\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) +0000"
    }
}
