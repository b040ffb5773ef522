// libFuzzer target: any bytes as a function's answer to an API Gateway event, for an HTTP API
// (payload 2.0 and 1.0) and a REST API. Whatever the answer, the gateway's response goes on
// the wire as exactly one HTTP message that reads back as sent: the same status, every header
// field once and unsplit (no CR, LF or NUL smuggled in), the body whole; a 1xx, 204 or 304
// without one. Built by scripts/fuzz.sh against the runner's modules.

@testable import RaidHubAPIGatewayEmulator
@testable import RaidHubHTTP
@testable import RaidHubTemplate

private let routes = [
    SAMTemplate.Route(method: "GET", path: "/x", functionId: "F", payloadVersion2: true),
    SAMTemplate.Route(method: "GET", path: "/x", functionId: "F", payloadVersion2: false),
    SAMTemplate.Route(method: "GET", path: "/x", functionId: "F", payloadVersion2: false, isHTTPAPI: false),
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let payload = Array(UnsafeBufferPointer(start: data, count: size))
    for route in routes {
        let response = GatewayResponse.from(.response(payload), route: route)
        let wire = HTTPResponseWriter.serialize(status: response.status, headers: response.headers, body: response.body, keepAlive: true)
        let hasContent = !(100..<200).contains(response.status) && response.status != 204 && response.status != 304
        guard hasContent else {
            let headEnd = (0..<max(wire.count - 3, 0)).first { wire[$0..<$0 + 4].elementsEqual("\r\n\r\n".utf8) }
            if headEnd != wire.count - 4 {
                fatalError("a \(response.status) went out with content")
            }
            continue
        }
        var parser = HTTPResponseParser()
        parser.append(wire)
        let read: HTTPResponseParser.Response?
        do { read = try parser.next() } catch { fatalError("the gateway's \(response.status) does not parse: \(error)") }
        guard let read else { fatalError("the gateway's \(response.status) is incomplete") }
        if (try? parser.next()) != nil { fatalError("one answer became two messages") }
        if read.status != response.status || read.body != response.body { fatalError("status or body changed on the wire") }
        // White space around a field's value is no part of it (RFC 9110 §5.5): a reader drops it.
        let sent = response.headers.filter { !["content-length", "connection", "transfer-encoding"].contains($0.name.lowercased()) }
            .map { HTTPField(name: $0.name, value: String(decoding: HTTPField.trimmingOptionalWhiteSpace(Array($0.value.utf8)[...]), as: UTF8.self)) }
        if Array(read.headers.dropLast()) != sent { fatalError("header fields changed on the wire: \(sent) became \(read.headers)") }
    }
    return 0
}
