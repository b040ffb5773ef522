import Foundation
import RaidHubHTTPServer
import RaidHubLocalRunner
import RaidHubTestSupport
import RaidHubYAML
import Testing

/// Lambda's reserved concurrency and API Gateway's integration timeout, driven over loopback
/// with a runtime that answers after a pause.
@Suite(.serialized) struct ConcurrencyLimitTests {
    /// A folder with one executable, `sleeper`, a runtime answering `{"statusCode":200}` after `seconds`.
    static func sleeperFolder(seconds: Double) throws -> URL {
        try TestRuntime.folder("sleeper", handling: "time.sleep(\(seconds))")
    }

    /// `Sleeper` at GET /slow (HTTP API) and GET /rest (REST API).
    static func template(reserved: Int? = nil, timeoutInMillis: Int? = nil, functionTimeout: Int = 10) throws -> SAMTemplate {
        let integration = timeoutInMillis.map { ", TimeoutInMillis: \($0)" } ?? ""
        let concurrency = reserved.map { "\n      ReservedConcurrentExecutions: \($0)" } ?? ""
        return try SAMTemplate(YAMLReader.read("""
        Resources:
          Sleeper:
            Type: AWS::Serverless::Function
            Metadata: {DockerBuildArgs: {FUNCTION: sleeper}}
            Properties:
              Timeout: \(functionTimeout)\(concurrency)
              Events:
                Http: {Type: HttpApi, Properties: {Path: /slow, Method: GET\(integration)}}
                Rest: {Type: Api, Properties: {Path: /rest, Method: GET\(integration)}}
        """))
    }

    /// Runs `calls` at once, each `stagger` after the previous one starts; their results in order.
    static func concurrently<T: Sendable>(_ calls: [@Sendable () throws -> T], stagger: Duration = .milliseconds(250)) -> [Result<T, Error>] {
        let results = Collected<T>(), group = DispatchGroup()
        for (index, call) in calls.enumerated() {
            group.enter()
            Thread {
                let result = Result { try call() }
                results.lock.withLock { results.values[index] = result }
                group.leave()
            }.start()
            Thread.sleep(forTimeInterval: Double(stagger.components.attoseconds) / 1e18 + Double(stagger.components.seconds))
        }
        group.wait()
        return calls.indices.map { results.values[$0]! }
    }

    final class Collected<T>: @unchecked Sendable {
        let lock = NSLock()
        var values: [Int: Result<T, Error>] = [:]
    }

    @Test func throttlesInvokeAPICallsBeyondReservedConcurrencyWithLambdasTooManyRequests() throws {
        let runner = LocalRunner(template: try Self.template(reserved: 2), environmentFile: EnvironmentFile(),
                                 executablesDirectory: try Self.sleeperFolder(seconds: 1.5), log: LambdaLog { _ in })
        let emulator = LambdaInvokeEmulator(runner: runner)
        let server = HTTPServer(port: 0) { emulator.respond(to: $0) }
        let url = "http://127.0.0.1:\(try server.start())/2015-03-31/functions/Sleeper/invocations"
        defer { server.stop(); runner.shutdown() }
        let call: @Sendable () throws -> (RunnerHTTPClient.Answer, Duration) = {
            let started = ContinuousClock.now
            let answer = try RunnerHTTPClient.send("POST", url, body: Data("{}".utf8))
            return (answer, ContinuousClock.now - started)
        }
        let answers = try Self.concurrently([call, call, call]).map { try $0.get() }
        #expect(answers.map(\.0.status) == [200, 200, 429])
        let throttled = answers[2]
        #expect(throttled.0.headers["x-amzn-errortype"] == "TooManyRequestsException")
        #expect(throttled.0.body == #"{"Reason":"ReservedFunctionConcurrentInvocationLimitExceeded","Type":"User","message":"Rate Exceeded."}"#)
        #expect(throttled.1 < .seconds(1), "a throttle is immediate, not a wait: \(throttled.1)")
        #expect(try call().0.status == 200, "capacity is back once the others ended")
    }

    @Test func aThrottledRouteAnswersAPIGateways500() throws {
        let (server, runner, base) = try StartAPITests.serve(try Self.template(reserved: 1), executables: try Self.sleeperFolder(seconds: 1.5))
        defer { server.stop(); runner.shutdown() }
        let call: @Sendable () throws -> RunnerHTTPClient.Answer = { try RunnerHTTPClient.send("GET", base + "/slow") }
        let answers = try Self.concurrently([call, call]).map { try $0.get() }
        #expect(answers.map(\.status) == [200, 500])
        #expect(answers[1].body == #"{"message":"Internal Server Error"}"#)
    }

    @Test func reservedConcurrencyOfZeroThrottlesEveryInvocationWithoutStartingAnything() {
        let missing = URL(fileURLWithPath: "/nonexistent/\(UUID().uuidString)")
        let pool = InstancePool(definition: FunctionDefinition(logicalId: "Off", executable: missing, environment: [:], reservedConcurrency: 0),
                                log: LambdaLog { _ in })
        #expect(pool.invoke([]) == .throttled)
    }

    /// API Gateway gives up after the integration timeout whether the call waited for an instance
    /// or its function was still running: 503 for an HTTP API, 504 for a REST API; the function
    /// still finishes, and its instance serves the next call.
    /// `start-api` as the runner serves it (answers deferred to the function's loop), on a free port.
    static func startAPI(_ runner: LocalRunner) throws -> (HTTPServer, UInt16) {
        final class Late: @unchecked Sendable { var emulator: APIGatewayEmulator? }
        let late = Late()
        let server = HTTPServer(port: 0) { request, responder in late.emulator!.respond(to: request) { responder.respond($0) } }
        let port = try server.start()
        late.emulator = APIGatewayEmulator(runner: runner, host: "127.0.0.1:\(port)")
        return (server, port)
    }

    @Test func givesUpAtTheIntegrationTimeoutWhetherQueuedOrRunning() throws {
        let envFile = EnvironmentFile()
        let runner = LocalRunner(template: try Self.template(timeoutInMillis: 1500), environmentFile: envFile,
                                 executablesDirectory: try Self.sleeperFolder(seconds: 1.0), maximumInstances: 1, log: LambdaLog { _ in })
        let (server, port) = try Self.startAPI(runner)
        defer { server.stop(); runner.shutdown() }
        let timed: @Sendable (String) -> @Sendable () throws -> (RunnerHTTPClient.Answer, Duration) = { path in {
            let started = ContinuousClock.now
            let answer = try RunnerHTTPClient.send("GET", "http://127.0.0.1:\(port)\(path)")
            return (answer, ContinuousClock.now - started)
        } }
        // One instance: the first call runs 1 s; the second waits for it, then would need 1 s
        // more, past its 1.5 s; the third (REST) likewise.
        let answers = try Self.concurrently([timed("/slow"), timed("/slow"), timed("/rest")]).map { try $0.get() }
        #expect(answers[0].0.status == 200)
        #expect(answers[1].0.status == 503)
        #expect(answers[1].0.body == #"{"message":"Service Unavailable"}"#)
        #expect(answers[2].0.status == 504)
        #expect(answers[2].0.body == #"{"message":"Endpoint request timed out"}"#)
        for answer in answers[1...] {
            #expect(answer.1 >= .milliseconds(1450) && answer.1 < .milliseconds(2400), "given up at 1.5 s: \(answer.1)")
        }
        Thread.sleep(forTimeInterval: 1.2)  // the abandoned invocations still run, as on Lambda
        #expect(try timed("/slow")().0.status == 200, "they ended and the instance serves on")
    }
}
