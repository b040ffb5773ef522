import Foundation
import RaidHubHTTP
import RaidHubHTTPServer
import RaidHubLambda
import RaidHubLambdaURLSession
import Testing

/// Both Runtime API clients against the same small Runtime API on loopback: the paths, headers,
/// bodies and statuses of RUNTIME.md.
@Suite struct RuntimeAPIClientContractTests {
    final class Recorder: @unchecked Sendable {
        let lock = NSLock()
        var requests: [HTTPRequest] = []
        var nextStatus = 200
        func record(_ request: HTTPRequest) -> HTTPResponse {
            lock.withLock { requests.append(request) }
            if request.path.hasSuffix("/next") {
                return HTTPResponse(status: lock.withLock { nextStatus }, headers: [
                    HTTPField(name: "Lambda-Runtime-Aws-Request-Id", value: "req-1"),
                    HTTPField(name: "Lambda-Runtime-Deadline-Ms", value: "1709508603000"),
                    HTTPField(name: "Lambda-Runtime-Invoked-Function-Arn", value: "arn:aws:lambda:us-east-1:1:function:f"),
                    HTTPField(name: "Lambda-Runtime-Trace-Id", value: "Root=1-abc"),
                ], body: Array(#"{"event":true}"#.utf8))
            }
            if request.path.contains("/bad/") { return HTTPResponse(status: 400, body: Array(#"{"errorType":"InvalidRequestID"}"#.utf8)) }
            return HTTPResponse(status: 202, body: Array(#"{"status":"OK"}"#.utf8))
        }
    }

    static let clients: [(String, @Sendable (String) -> any RuntimeAPIClient)] = [
        ("sockets", { SocketRuntimeAPIClient(hostAndPort: $0) }),
        ("URLSession", { URLSessionRuntimeAPIClient(hostAndPort: $0) }),
    ]

    @Test(arguments: [0, 1])
    func speaksTheRuntimeAPI(clientIndex: Int) throws {
        let recorder = Recorder()
        let server = HTTPServer(port: 0) { recorder.record($0) }
        let port = try server.start()
        defer { server.stop() }
        let client = Self.clients[clientIndex].1("127.0.0.1:\(port)")

        let invocation = try client.nextInvocation().get()
        #expect(invocation.event == Array(#"{"event":true}"#.utf8))
        #expect(invocation.context.requestId == "req-1")
        #expect(invocation.context.deadlineMilliseconds == 1_709_508_603_000)
        #expect(invocation.context.traceId == "Root=1-abc")
        try client.sendResponse(Array("{}".utf8), requestId: "req-1")
        try client.sendError(FunctionError(.invalidEvent, "bad"), requestId: "req-1")
        try client.sendInitError(FunctionError(.invalidConfiguration, "X is not set"))
        #expect(throws: RuntimeAPIClientError.unexpectedStatus(400)) { try client.sendResponse([], requestId: "bad") }
        recorder.lock.withLock { recorder.nextStatus = 500 }
        #expect(throws: RuntimeAPIClientError.environmentBroken) { try client.nextInvocation() }

        let requests = recorder.lock.withLock { recorder.requests }
        #expect(requests.map { "\($0.method) \($0.path)" } == [
            "GET /2018-06-01/runtime/invocation/next",
            "POST /2018-06-01/runtime/invocation/req-1/response",
            "POST /2018-06-01/runtime/invocation/req-1/error",
            "POST /2018-06-01/runtime/init/error",
            "POST /2018-06-01/runtime/invocation/bad/response",
            "GET /2018-06-01/runtime/invocation/next",
        ])
        #expect(requests[1].body == Array("{}".utf8))
        #expect(requests[2].header("Lambda-Runtime-Function-Error-Type") == "Unhandled")
        #expect(requests[2].body == Array(#"{"errorMessage":"bad","errorType":"InvalidEvent","stackTrace":[]}"#.utf8))
        #expect(requests[3].body == Array(#"{"errorMessage":"X is not set","errorType":"InvalidConfiguration","stackTrace":[]}"#.utf8))
    }

    @Test(arguments: [0, 1])
    func reportsAnUnreachableRuntimeAPI(clientIndex: Int) {
        let client = Self.clients[clientIndex].1("127.0.0.1:1")
        #expect(throws: RuntimeAPIClientError.self) { try client.nextInvocation() }
    }
}
