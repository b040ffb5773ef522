import Foundation
@testable import RaidHubEmulation
import RaidHubHTTPServer
@testable import RaidHubLambdaEmulator
@testable import RaidHubTemplate
import RaidHubRunnerTestSupport
import RaidHubTestSupport
import RaidHubYAML
import Testing

/// `start-lambda`: the Lambda Invoke API over real sockets, answered as Lambda answers SDKs.
@Suite(.serialized) struct LambdaInvokeAPITests {
    @Test func servesTheLambdaInvokeAPI() throws {
        let (server, runner, base) = try RunnerServers.invokeAPI(try RunnerServers.projectTemplate())
        defer { server.stop(); runner.shutdown() }
        let event = try Data(contentsOf: DevelopmentEnvironment.root.appendingPathComponent("functions/authorizer/events/http-v2-allow-user.json"))
        let allowed = try RunnerHTTPClient.send("POST", base + "/AuthorizerFunction/invocations", body: event)
        #expect(allowed.status == 200)
        #expect(allowed.body.hasPrefix(#"{"isAuthorized":true"#))
        #expect(allowed.headers["x-amz-function-error"] == nil)
        let failed = try RunnerHTTPClient.send("POST", base + "/authorizer/invocations", body: Data("not json".utf8))
        #expect(failed.status == 200)
        #expect(failed.headers["x-amz-function-error"] == "Unhandled")
        #expect(failed.body.contains(#""errorType":"InvalidEvent""#))
        let queued = try RunnerHTTPClient.send("POST", base + "/AuthorizerFunction/invocations", headers: ["X-Amz-Invocation-Type": "Event"], body: event)
        #expect(queued.status == 202)
        let unknown = try RunnerHTTPClient.send("POST", base + "/Nope/invocations", body: event)
        #expect(unknown.status == 404)
        #expect(unknown.headers["x-amzn-errortype"] == "ResourceNotFoundException")
        #expect(unknown.body == #"{"Type":"User","Message":"Function not found: arn:aws:lambda:us-east-1:000000000000:function:Nope"}"#)
        // A function named by its ARN (percent-encoded, as SDKs send it) or with a qualifier.
        for name in ["arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3AAuthorizerFunction", "AuthorizerFunction:%24LATEST", "000000000000:function:AuthorizerFunction"] {
            #expect(try RunnerHTTPClient.send("POST", base + "/\(name)/invocations", body: event).body.hasPrefix(#"{"isAuthorized":true"#), "\(name)")
        }
        let dryRun = try RunnerHTTPClient.send("POST", base + "/AuthorizerFunction/invocations", headers: ["X-Amz-Invocation-Type": "DryRun"], body: Data("not json".utf8))
        #expect(dryRun.status == 204)
        #expect(dryRun.body.isEmpty)
    }

    /// `LogType: Tail` returns the invocation's log, START to REPORT with the function's own
    /// lines, base64-encoded in `X-Amz-Log-Result`, at most its last 4 KB.
    @Test func returnsTheLogTailWhenAsked() throws {
        let (server, runner, base) = try RunnerServers.invokeAPI(try RunnerServers.projectTemplate())
        defer { server.stop(); runner.shutdown() }
        let event = try Data(contentsOf: DevelopmentEnvironment.root.appendingPathComponent("functions/authorizer/events/http-v2-allow-user.json"))
        let plain = try RunnerHTTPClient.send("POST", base + "/AuthorizerFunction/invocations", body: event)
        #expect(plain.headers["x-amz-log-result"] == nil, "only when asked")
        let answer = try RunnerHTTPClient.send("POST", base + "/AuthorizerFunction/invocations", headers: ["X-Amz-Log-Type": "Tail"], body: event)
        #expect(answer.status == 200)
        #expect(answer.headers["x-amz-executed-version"] == "$LATEST")
        let encoded = try #require(answer.headers["x-amz-log-result"])
        let log = String(decoding: try #require(Data(base64Encoded: encoded)), as: UTF8.self)
        let lines = log.split(separator: "\n").map(String.init)
        let requestId = try #require(lines.first.flatMap { $0.wholeMatch(of: /START RequestId: ([0-9a-f-]{36}) Version: \$LATEST/)?.1 })
        #expect(lines.contains { $0.contains(#""requestId":"\#(requestId)""#) && $0.contains(#""decision":"allow""#) }, "the function's own line: \(log)")
        #expect(lines.dropLast().last == "END RequestId: \(requestId)")
        #expect(lines.last?.hasPrefix("REPORT RequestId: \(requestId)\tDuration: ") == true)
    }

    @Test func keepsOnlyTheLastFourKilobytesOfALongLog() throws {
        let folder = try TestRuntime.folder("chatty", handling: "print('x' * 10000, flush=True)")
        let template = try SAMTemplate(YAMLReader.read("Resources:\n  Chatty:\n    Type: AWS::Serverless::Function\n    Metadata: {DockerBuildArgs: {FUNCTION: chatty}}\n"))
        let (server, runner, base) = try RunnerServers.invokeAPI(template, executables: folder)
        defer { server.stop(); runner.shutdown() }
        let answer = try RunnerHTTPClient.send("POST", base + "/Chatty/invocations", headers: ["X-Amz-Log-Type": "Tail"], body: Data("{}".utf8))
        let log = try #require(answer.headers["x-amz-log-result"].flatMap { Data(base64Encoded: $0) })
        #expect(log.count == LogTail.limit)
        let text = String(decoding: log, as: UTF8.self)
        #expect(text.hasPrefix("xxxx"), "the start was cut")
        #expect(text.contains("\nEND RequestId: ") && text.contains("\nREPORT RequestId: "))
    }

    /// Each instance's output is read by a thread that ends with it: instances replaced one
    /// after another leave no thread behind.
    @Test func anInstancesOutputReaderEndsWithIt() throws {
        let folder = try TestRuntime.folder("crasher", handling: "print('dying', flush=True)\nraise SystemExit(3)")
        let template = try SAMTemplate(YAMLReader.read("Resources:\n  Crasher:\n    Type: AWS::Serverless::Function\n    Metadata: {DockerBuildArgs: {FUNCTION: crasher}}\n"))
        let (server, runner, base) = try RunnerServers.invokeAPI(template, executables: folder)
        defer { server.stop(); runner.shutdown() }
        // The output readers by name: other tests run threads of their own in this process.
        func threads() throws -> Int {
            try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").filter {
                (try? String(contentsOfFile: "/proc/self/task/\($0)/comm", encoding: .utf8))?.hasPrefix("fn-output") == true
            }.count
        }
        _ = try RunnerHTTPClient.send("POST", base + "/Crasher/invocations", body: Data("{}".utf8))
        let before = try threads()
        for _ in 0..<20 {
            let answer = try RunnerHTTPClient.send("POST", base + "/Crasher/invocations", headers: ["X-Amz-Log-Type": "Tail"], body: Data("{}".utf8))
            #expect(answer.headers["x-amz-function-error"] == "Unhandled")
            let log = String(decoding: try #require(answer.headers["x-amz-log-result"].flatMap { Data(base64Encoded: $0) }), as: UTF8.self)
            #expect(log.contains("\ndying\n"), "a crashing function's last words are in its tail: \(log)")
        }
        #expect(try Eventually.holds { try threads() <= before + 1 }, "20 instances came and went, their readers still there")
    }

    /// A warm function answering 7 MB: the caller has Lambda's `Function.ResponseSizeTooLarge`
    /// at once, not after the Timeout (on a time that never moves, the Timeout never comes).
    @Test func aSevenMegabyteResponseEndsAtOnceAsResponseSizeTooLarge() throws {
        let folder = try TestRuntime.folder("large", handling: #"body = b'x' * 7_000_000 if event == b'"large"' else b'{}'"#)
        let template = try SAMTemplate(YAMLReader.read("Resources:\n  Large:\n    Type: AWS::Serverless::Function\n    Properties: {Timeout: 10}\n    Metadata: {DockerBuildArgs: {FUNCTION: large}}\n"))
        let (server, runner, base) = try RunnerServers.invokeAPI(template, executables: folder, time: .manual())
        defer { server.stop(); runner.shutdown() }
        #expect(try RunnerHTTPClient.send("POST", base + "/Large/invocations", body: Data("{}".utf8)).body == "{}", "warm")
        let answer = try RunnerHTTPClient.send("POST", base + "/Large/invocations", body: Data(#""large""#.utf8))
        #expect(answer.status == 200)
        #expect(answer.headers["x-amz-function-error"] == "Unhandled")
        #expect(answer.body.contains(#""errorType":"Function.ResponseSizeTooLarge""#), "\(answer.body.prefix(200))")
    }
}
