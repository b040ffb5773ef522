import Foundation
import RaidHubHTTPServer
import RaidHubLocalRunner
@testable import RaidHubTemplate
import RaidHubRunnerTestSupport
import RaidHubTestSupport
import RaidHubYAML
import Testing

/// What a client or a function sends cannot stop the runner, and what it holds is bounded: each
/// probe over a real socket, and the runner still serving after it.
@Suite(.serialized) struct RunnerBoundsTests {
    /// Any query answers: `?=` once trapped on the runner's loop thread (an index out of range),
    /// taking every client and warm instance with it.
    @Test(arguments: ["?=", "?=&=", "?&&", "?a", "?=x", "?x=", "?%", "?a=%zz&%zz=b", "?a=1&a=2&=3", "?" + String(repeating: "=&", count: 500)])
    func answersAnyQuery(query: String) throws {
        let (server, runner, base) = try StartAPIServer.start(try RunnerServers.projectTemplate())
        defer { server.stop(); runner.shutdown() }
        let answer = try RunnerHTTPClient.send("POST", base + "/authorize/user" + query, body: Data("{}".utf8))
        #expect(answer.status == 400)
        #expect(try RunnerHTTPClient.send("GET", base + "/player/whoami").status == 200, "still serving")
    }

    /// One-byte chunks decode in time linear in the body (a megabyte took 7 to 11 s: the decoder
    /// copied the body at every chunk). A megabyte of them costs about four times a quarter
    /// megabyte, not sixteen, and within a few times the same megabyte sent as one chunk (about
    /// three here: the one-byte form is six times the bytes on the wire). Both are over the
    /// function's limit, so each is answered 413 by the function after every chunk was decoded.
    @Test(.disabled(if: Sanitizer.isActive, Comment(rawValue: Sanitizer.skipReason))) func decodesAMegabyteOfOneByteChunksInLinearTime() throws {
        let (server, runner, base) = try StartAPIServer.start(try RunnerServers.projectTemplate())
        defer { server.stop(); runner.shutdown() }
        let port = try #require(UInt16(base.split(separator: ":").last ?? ""))
        let quarterMegabyte = 256 * 1024
        let requests = [1, 4].map { factor in
            "POST /authorize/user HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                + String(repeating: "1\r\nx\r\n", count: quarterMegabyte * factor) + "0\r\n\r\n"
        }
        var statuses: Set<Int> = []
        let growth = Complexity.growth(size: 1, factor: 4, clock: .wall) { size in
            guard let connection = try? RawConnection(port: port) else { return }
            connection.send(requests[size == 1 ? 0 : 1])
            statuses.insert(connection.readResponse()?.status ?? 0)
        }
        #expect(statuses == [413], "the function's own answer to a body over its limit")
        #expect(growth < 10, "four times the one-byte chunks took \(growth) times as long")
        let oneChunk = "POST /authorize/user HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
            + String(4 * quarterMegabyte, radix: 16) + "\r\n" + String(repeating: "x", count: 4 * quarterMegabyte) + "\r\n0\r\n\r\n"
        let versusOneChunk = Complexity.growth(size: 1, factor: 2, tries: 5, clock: .wall) { size in
            guard let connection = try? RawConnection(port: port) else { return }
            connection.send(size == 1 ? oneChunk : requests[1])
            _ = connection.readResponse()
        }
        // About 3 on a quiet machine (the issue asks for 5); the bound is 10, which a busy one
        // keeps under and the quadratic decoder (about 500) never did.
        #expect(versusOneChunk < 10, "a megabyte in one-byte chunks took \(versusOneChunk) times the same megabyte in one chunk")
    }

    /// A folder with `answerer`, a runtime answering by the event's path what a careless or
    /// hostile function might (a header value with a line break, a 204 with a body, a duplicate
    /// header key), and otherwise its process id and the client context it was given; and
    /// `one-shot`, a runtime that answers one event and exits.
    /// A process's environment, from /proc (how a test finds an instance's Runtime API).
    static func environment(of pid: Int32) -> [String: String]? {
        guard let bytes = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return nil }
        var environment: [String: String] = [:]
        for entry in bytes.split(separator: 0) {
            let text = String(decoding: entry, as: UTF8.self)
            guard let equals = text.firstIndex(of: "=") else { continue }
            environment[String(text[..<equals])] = String(text[text.index(after: equals)...])
        }
        return environment
    }

    static func functions() throws -> (folder: URL, template: SAMTemplate) {
        let folder = try TestRuntime.folder("answerer", handling: #"""
            e = json.loads(event or b"{}")
            path = e.get("rawPath") or e.get("path") or ""
            if path.endswith("/inject"):
                body = json.dumps({"statusCode": 200, "headers": {"Location": "/x\r\nSet-Cookie: a=b"}, "body": "x"}).encode()
            elif path == "/nul":
                body = json.dumps({"statusCode": 200, "headers": {"X-Nul": "a\u0000b"}, "body": "x"}).encode()
            elif path == "/nocontent":
                body = json.dumps({"statusCode": 204, "body": "hello"}).encode()
            elif path == "/duplicate":
                body = b'{"statusCode":200,"headers":{"X-Twice":"first","X-Twice":"second"},"body":"dup"}'
            else:
                context = answer.getheader("Lambda-Runtime-Client-Context")
                body = json.dumps({"statusCode": 200, "body": json.dumps({"pid": os.getpid(), "context": context})}).encode()
            """#)
        try TestRuntime.write("""
            connection.request("POST", f"/2018-06-01/runtime/invocation/{request_id}/response", body=b'{"statusCode":200,"body":"once"}')
            connection.getresponse().read()
            os._exit(0)
            """, to: folder.appendingPathComponent("one-shot"))
        let template = try SAMTemplate(YAMLReader.read("""
            Resources:
              Answerer:
                Type: AWS::Serverless::Function
                Metadata: {DockerBuildArgs: {FUNCTION: answerer}}
                Properties:
                  Events:
                    Inject: {Type: HttpApi, Properties: {Path: /inject, Method: GET}}
                    Nul: {Type: HttpApi, Properties: {Path: /nul, Method: GET}}
                    NoContent: {Type: HttpApi, Properties: {Path: /nocontent, Method: GET}}
                    Duplicate: {Type: HttpApi, Properties: {Path: /duplicate, Method: GET}}
                    Pid: {Type: HttpApi, Properties: {Path: /pid, Method: ANY}}
                    RestInject: {Type: Api, Properties: {Path: /rest/inject, Method: GET}}
              OneShot:
                Type: AWS::Serverless::Function
                Metadata: {DockerBuildArgs: {FUNCTION: one-shot}}
                Properties:
                  Events:
                    Once: {Type: HttpApi, Properties: {Path: /once, Method: GET}}
            """))
        return (folder, template)
    }

    /// The whole answer to one request on a connection the client then closes.
    static func exchange(_ port: UInt16, _ request: String) throws -> String {
        let connection = try RawConnection(port: port)
        connection.send(request)
        return String(decoding: connection.readAll(), as: UTF8.self)
    }

    /// A header value with CR, LF or NUL never reaches the wire: the answer is API Gateway's for
    /// a malformed integration response (500 on an HTTP API, 502 on a REST API), and nothing the
    /// function wrote is injected into it (it once added `Set-Cookie: a=b` to the answer).
    @Test func aHeaderWithALineBreakIsAMalformedAnswerNotAnInjection() throws {
        let (folder, template) = try Self.functions()
        let (server, runner, base) = try StartAPIServer.start(template, executables: folder)
        defer { server.stop(); runner.shutdown() }
        let port = try #require(UInt16(base.split(separator: ":").last ?? ""))
        for (path, status, body) in [("/inject", 500, #"{"message":"Internal Server Error"}"#), ("/nul", 500, #"{"message":"Internal Server Error"}"#),
                                     ("/rest/inject", 502, #"{"message":"Internal server error"}"#)] {
            let wire = try Self.exchange(port, "GET \(path) HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            #expect(wire.hasPrefix("HTTP/1.1 \(status) "), "\(path): \(wire)")
            #expect(wire.hasSuffix("\r\n\r\n" + body), "\(path): \(wire)")
            #expect(!wire.lowercased().contains("set-cookie") && !wire.contains("Location") && !wire.contains("X-Nul"), "\(path): \(wire)")
        }
        #expect(try RunnerHTTPClient.send("GET", base + "/duplicate").status == 200, "still serving")
    }

    /// A function's 204 goes out with no body and no Content-Length: its body, sent after the
    /// head, would be read by a keep-alive client as the start of the next answer.
    @Test func aNoContentAnswerCarriesNoBody() throws {
        let (folder, template) = try Self.functions()
        let (server, runner, base) = try StartAPIServer.start(template, executables: folder)
        defer { server.stop(); runner.shutdown() }
        let port = try #require(UInt16(base.split(separator: ":").last ?? ""))
        let connection = try RawConnection(port: port)
        connection.send("GET /nocontent HTTP/1.1\r\nHost: t\r\n\r\nGET /duplicate HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        let wire = String(decoding: connection.readAll(), as: UTF8.self)
        let answers = wire.components(separatedBy: "HTTP/1.1 ")
        #expect(answers.count == 3, "two answers: \(wire)")
        #expect(answers[1].hasPrefix("204 ") && answers[1].hasSuffix("\r\n\r\n"), "\(wire)")
        #expect(!answers[1].lowercased().contains("content-length") && !wire.contains("hello"), "\(wire)")
        #expect(answers[2].hasPrefix("200 ") && answers[2].hasSuffix("dup"), "\(wire)")
    }

    /// A duplicate key in a function's answer is read as API Gateway reads it (the last one),
    /// not refused as malformed.
    @Test func aDuplicateHeaderKeyInTheAnswerTakesTheLast() throws {
        let (folder, template) = try Self.functions()
        let (server, runner, base) = try StartAPIServer.start(template, executables: folder)
        defer { server.stop(); runner.shutdown() }
        let answer = try RunnerHTTPClient.send("GET", base + "/duplicate")
        #expect(answer.status == 200)
        #expect(answer.headers["x-twice"] == "second")
        #expect(answer.body == "dup")
    }

    /// The process id the answerer's instance runs as, asked over `base`.
    static func instance(_ base: String) throws -> Int? {
        let answer = try RunnerHTTPClient.send("GET", base + "/pid")
        let object = try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any]
        return object?["pid"] as? Int
    }

    /// An event over Lambda's 6,291,456 bytes is refused before any function sees it: through
    /// API Gateway, its 500; and the warm instance serves on (it was handed the event, refused
    /// it and exited, so every such request cost a cold start).
    @Test func anEventOverLambdasLimitIsRefusedAndTheInstanceStaysWarm() throws {
        let (folder, template) = try Self.functions()
        let (server, runner, base) = try StartAPIServer.start(template, executables: folder)
        defer { server.stop(); runner.shutdown() }
        let before = try #require(try Self.instance(base))
        // Under the server's 6 MiB body limit; with the event's JSON around it, over Lambda's.
        let body = Data(repeating: UInt8(ascii: "x"), count: 6_291_000)
        let refused = try RunnerHTTPClient.send("POST", base + "/pid", headers: ["Content-Type": "text/plain"], body: body)
        #expect(refused.status == 500)
        #expect(refused.body == #"{"message":"Internal Server Error"}"#)
        #expect(try Self.instance(base) == before, "the same instance, still warm")
    }

    /// Through the Invoke API, an event over the limit is Lambda's 413
    /// `RequestEntityTooLargeException`, and the instance stays warm.
    @Test func theInvokeAPIRefusesAnEventOverTheLimitWithLambdas413() throws {
        let (folder, template) = try Self.functions()
        let (server, runner, base) = try RunnerServers.invokeAPI(template, executables: folder)
        defer { server.stop(); runner.shutdown() }
        func instance() throws -> Int? {
            let answer = try RunnerHTTPClient.send("POST", base + "/Answerer/invocations", body: Data("{}".utf8))
            let outer = try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any]
            let inner = try JSONSerialization.jsonObject(with: Data(((outer?["body"] as? String) ?? "").utf8)) as? [String: Any]
            return inner?["pid"] as? Int
        }
        let before = try #require(try instance())
        let event = Data("\"".utf8) + Data(repeating: UInt8(ascii: "x"), count: 6_291_456) + Data("\"".utf8)
        let refused = try RunnerHTTPClient.send("POST", base + "/Answerer/invocations", body: event)
        #expect(refused.status == 413)
        #expect(refused.headers["x-amzn-errortype"] == "RequestEntityTooLargeException")
        #expect(refused.body == #"{"Type":"User","message":"Request must be smaller than 6291456 bytes for the InvokeFunction operation"}"#)
        let queued = try RunnerHTTPClient.send("POST", base + "/Answerer/invocations", headers: ["X-Amz-Invocation-Type": "Event"],
                                               body: Data(repeating: UInt8(ascii: " "), count: 1_048_577))
        #expect(queued.status == 413)
        #expect(queued.body == #"{"Type":"User","message":"1048577 byte payload is too large for the Event invocation type (limit 1048576 bytes)"}"#)
        #expect(try instance() == before, "the same instance, still warm")
    }

    /// A pretty-printed client context (base64 of JSON with line breaks) reaches the runtime as
    /// one compact line of `Lambda-Runtime-Client-Context`; one that is not base64 of a JSON
    /// object is refused as Lambda refuses it. (Decoded raw into the head of `/next`, it broke
    /// the head and the runtime exited.)
    @Test func aClientContextReachesTheRuntimeOnOneLine() throws {
        let (folder, template) = try Self.functions()
        let (server, runner, base) = try RunnerServers.invokeAPI(template, executables: folder)
        defer { server.stop(); runner.shutdown() }
        let pretty = Data("{\n  \"custom\": {\n    \"a\": 1\n  },\n  \"env\": {}\n}\n".utf8).base64EncodedString()
        let answer = try RunnerHTTPClient.send("POST", base + "/Answerer/invocations", headers: ["X-Amz-Client-Context": pretty], body: Data("{}".utf8))
        #expect(answer.status == 200)
        let outer = try #require(try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any])
        let inner = try #require(try JSONSerialization.jsonObject(with: Data(((outer["body"] as? String) ?? "").utf8)) as? [String: Any])
        #expect(inner["context"] as? String == #"{"custom":{"a":1},"env":{}}"#)
        for bad in ["not base64!", Data("not json".utf8).base64EncodedString(), Data("[1]".utf8).base64EncodedString()] {
            let refused = try RunnerHTTPClient.send("POST", base + "/Answerer/invocations", headers: ["X-Amz-Client-Context": bad], body: Data("{}".utf8))
            #expect(refused.status == 400, "\(bad)")
            #expect(refused.headers["x-amzn-errortype"] == "InvalidRequestContentException")
            #expect(refused.body == #"{"Type":"User","message":"Client context must be a valid Base64-encoded JSON object."}"#)
        }
    }

    /// The Invoke API's 404 names the function as JSON text, whatever its name holds.
    @Test func anUnknownFunctionsNameIsWrittenAsJSONText() throws {
        let (folder, template) = try Self.functions()
        let (server, runner, base) = try RunnerServers.invokeAPI(template, executables: folder)
        defer { server.stop(); runner.shutdown() }
        let answer = try RunnerHTTPClient.send("POST", base + "/No%22pe%5C%0A/invocations", body: Data("{}".utf8))
        #expect(answer.status == 404)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any])
        #expect(object["Message"] as? String == "Function not found: arn:aws:lambda:us-east-1:000000000000:function:No\"pe\\\n")
    }

    /// A request followed by a half-close (`nc -N`, some proxies) is answered, as nginx answers it.
    @Test func answersARequestFollowedByAHalfClose() throws {
        let (folder, template) = try Self.functions()
        let (server, runner, base) = try StartAPIServer.start(template, executables: folder)
        defer { server.stop(); runner.shutdown() }
        let port = try #require(UInt16(base.split(separator: ":").last ?? ""))
        let connection = try RawConnection(port: port)
        connection.send("GET /duplicate HTTP/1.1\r\nHost: t\r\n\r\n")
        connection.finishSending()
        let answer = connection.readResponse()
        #expect(answer?.status == 200)
        #expect(answer?.body == "dup")
    }

    /// A runtime that exits after each answer: the next call, arriving while it exits, goes to
    /// a new instance (as Lambda re-initialises), never `Runtime.ExitError`.
    @Test func aRuntimeExitingAfterEachAnswerServesEveryCall() throws {
        let (folder, template) = try Self.functions()
        let (server, runner, base) = try StartAPIServer.start(template, executables: folder)
        defer { server.stop(); runner.shutdown() }
        let answers = try (0..<10).map { _ in try RunnerHTTPClient.send("GET", base + "/once") }
        #expect(answers.map(\.status) == Array(repeating: 200, count: 10))
        #expect(answers.allSatisfy { $0.body == "once" })
    }

    /// An instance's Runtime API serves its own runtime only: a local process asking its `/next`
    /// again and again (it once took 103 of 300 events, each with a caller's client secret, and
    /// its forged answers reached the callers) is refused every time, and every caller gets the
    /// function's own answer.
    @Test func aLoopingThiefGetsNoEventFromAnInstancesRuntimeAPI() throws {
        let (folder, template) = try Self.functions()
        let (server, runner, base) = try StartAPIServer.start(template, executables: folder)
        defer { server.stop(); runner.shutdown() }
        let pid = try #require(try Self.instance(base))
        let environment = try #require(Self.environment(of: Int32(pid)))
        let address = try #require(environment["AWS_LAMBDA_RUNTIME_API"])
        let stop = FileManager.default.temporaryDirectory.appendingPathComponent("thief-stop-\(UUID().uuidString)")
        let thief = Process()
        thief.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        thief.arguments = ["python3", "-c", """
            import http.client, os, sys
            host, port = sys.argv[1].split(":")
            stolen = refused = 0
            while not os.path.exists(sys.argv[2]):
                try:
                    connection = http.client.HTTPConnection(host, int(port), timeout=1)
                    connection.request("GET", "/2018-06-01/runtime/invocation/next")
                    answer = connection.getresponse()
                    answer.read()
                    if answer.status == 200:
                        stolen += 1
                        request_id = answer.getheader("Lambda-Runtime-Aws-Request-Id")
                        connection.request("POST", f"/2018-06-01/runtime/invocation/{request_id}/response", body=b'{"statusCode":200,"body":"forged"}')
                        connection.getresponse().read()
                    else:
                        refused += 1
                    connection.close()
                except Exception:
                    pass
            print(stolen, refused)
            """, address, stop.path]
        let output = Pipe()
        thief.standardOutput = output
        thief.standardError = FileHandle.nullDevice
        try thief.run()
        defer { if thief.isRunning { thief.terminate() } }
        var answers: [Int: Int] = [:]
        for _ in 0..<300 { answers[(try? Self.instance(base)) ?? 0, default: 0] += 1 }  // 0: a forged answer
        try Data().write(to: stop)
        thief.waitUntilExit()
        let counts = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(answers == [pid: 300], "every caller answered by the function's own instance")
        #expect(counts.first == 0, "events the thief took: \(counts)")
        #expect((counts.last ?? 0) > 0, "the thief was refused, not idle: \(counts)")
    }
}
