// libFuzzer target: bytes as HTTP requests (what a client sends start-api), each turned into the
// events API Gateway would send its function: payload 2.0, payload 1.0 and the authorizer's
// 2.0 REQUEST event. Every event must be JSON our functions' strict parser reads (no
// duplicate key), and must carry the request's method, path and body (base64 when it is not
// UTF-8) exactly. Built by scripts/fuzz.sh against the runner's modules.

import Foundation
@testable import RaidHubAPIGatewayEmulator
import RaidHubHTTP
import RaidHubJSON
@testable import RaidHubTemplate

private let routes = RouteTable(routes: [
    SAMTemplate.Route(method: "ANY", path: "/{proxy+}", functionId: "F", payloadVersion2: true),
    SAMTemplate.Route(method: "GET", path: "/pets/{id}", functionId: "F", payloadVersion2: false, isHTTPAPI: false),
    SAMTemplate.Route(method: "ANY", path: SAMTemplate.Route.catchAll, functionId: "F", payloadVersion2: true),
])
private let authorizer = LambdaAuthorizer(functionId: "A", identitySources: [.header("authorization"), .queryString("token")])

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var parser = HTTPRequestParser(maximumHeaderByteCount: 4096, maximumBodyByteCount: 16 * 1024)
    parser.append(UnsafeBufferPointer(start: data, count: size))
    while let request = try? parser.next() {
        guard let (route, parameters) = routes.match(method: request.method, path: request.path) else { continue }
        let event = GatewayEvent(request: request, route: route, pathParameters: parameters, sourceIP: "127.0.0.1", host: "127.0.0.1:3000",
                                 region: "us-east-1", timeEpochMilliseconds: 0)
        let version2 = check(event.version2(authorizerContext: .object(JSONObject(members: [.init(key: "k", value: .string("v"))]))), "2.0", request)
        if version2["rawPath"]?.stringValue != request.path { fatalError("rawPath is not the request's path") }
        if version2["routeKey"]?.stringValue == nil { fatalError("no routeKey") }
        let version1 = check(event.version1(), "1.0", request)
        if version1["httpMethod"]?.stringValue != request.method { fatalError("httpMethod is not the request's method") }
        if let identity = event.identity(for: authorizer), (try? JSONParser.parse(event.authorizer(identity: identity))) == nil {
            fatalError("the authorizer's event is not JSON a strict parser reads")
        }
    }
    return 0
}

/// The event parsed strictly, its body checked against the request's.
private func check(_ bytes: [UInt8], _ version: String, _ request: HTTPRequest) -> JSONObject {
    let value: JSONValue
    do { value = try JSONParser.parse(bytes) } catch { fatalError("the \(version) event is not JSON a strict parser reads: \(error)") }
    guard let object = value.objectValue else { fatalError("the \(version) event is not an object") }
    let body = object["body"]?.stringValue ?? ""
    let decoded = object["isBase64Encoded"]?.boolValue == true ? Data(base64Encoded: body).map(Array.init) : Array(body.utf8)
    if decoded != request.body { fatalError("the \(version) event's body is not the request's") }
    return object
}
