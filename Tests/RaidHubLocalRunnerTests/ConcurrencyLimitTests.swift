import Foundation
@testable import RaidHubAPIGatewayEmulator
@testable import RaidHubEmulation
import RaidHubHTTPServer
@testable import RaidHubLambdaEmulator
import RaidHubLocalRunner
import RaidHubRunnerTestSupport
@testable import RaidHubTemplate
import RaidHubTestSupport
import RaidHubYAML
import Testing

/// Lambda's reserved concurrency and API Gateway's integration timeout, driven over loopback
/// with a gated runtime (it answers when the test says) on manual time (deadlines pass when the
/// test says): the tests assert what happens and in which order, never how long it takes.
@Suite(.serialized) struct ConcurrencyLimitTests {
    /// `Sleeper` at GET /slow (HTTP API) and GET /rest (REST API), run by the gated runtime `sleeper`.
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

    /// A call on a thread of its own; `answer` waits for it.
    final class Request: @unchecked Sendable {
        private let lock = NSLock()
        private var result: Result<RunnerHTTPClient.Answer, Error>?

        init(_ url: String, method: String = "GET", body: Data? = nil) {
            Thread { [self] in
                let answer = Result { try RunnerHTTPClient.send(method, url, body: body) }
                lock.withLock { result = answer }
            }.start()
        }

        var isAnswered: Bool { lock.withLock { result != nil } }

        func answer() throws -> RunnerHTTPClient.Answer {
            #expect(Eventually.holds { isAnswered })
            return try lock.withLock { try result!.get() }
        }
    }

    @Test func throttlesInvokeAPICallsBeyondReservedConcurrencyWithLambdasTooManyRequests() throws {
        let folder = try TestRuntime.gated("sleeper"), lines = LambdaLogLines()
        let runner = LambdaEmulator(template: try Self.template(reserved: 2), environmentFile: EnvironmentFile(), executablesDirectory: folder,
                                 log: lines.log, timekeeper: .manual())
        let emulator = LambdaInvokeEmulator(runner: runner)
        let server = HTTPServer(port: 0) { emulator.respond(to: $0) }
        let url = "http://127.0.0.1:\(try server.start())/2015-03-31/functions/Sleeper/invocations"
        defer { server.stop(); runner.shutdown() }
        let running = [Request(url, method: "POST", body: Data("{}".utf8)), Request(url, method: "POST", body: Data("{}".utf8))]
        lines.waitFor("took 1", count: 2)  // each instance has its first event
        // Both reserved invocations are running, so the third is throttled, without waiting.
        let throttled = try RunnerHTTPClient.send("POST", url, body: Data("{}".utf8))
        #expect(throttled.status == 429)
        #expect(throttled.headers["x-amzn-errortype"] == "TooManyRequestsException")
        #expect(throttled.body == #"{"Reason":"ReservedFunctionConcurrentInvocationLimitExceeded","Type":"User","message":"Rate Exceeded."}"#)
        #expect(!running.contains { $0.isAnswered })
        try TestRuntime.open(1, in: folder)
        #expect(try running.map { try $0.answer().status } == [200, 200])
        try TestRuntime.open(2, in: folder)
        #expect(try RunnerHTTPClient.send("POST", url, body: Data("{}".utf8)).status == 200, "capacity is back once the others ended")
    }

    /// An `Event` invocation throttled by reserved concurrency is not lost after its 202: it
    /// waits and is tried again a second later (Lambda retries throttled events), then runs.
    @Test func retriesAThrottledEventInvocationUntilItRuns() throws {
        let folder = try TestRuntime.gated("sleeper"), lines = LambdaLogLines()
        let time = Timekeeper.manual()
        let runner = LambdaEmulator(template: try Self.template(reserved: 1), environmentFile: EnvironmentFile(), executablesDirectory: folder,
                                 log: lines.log, timekeeper: time)
        let emulator = LambdaInvokeEmulator(runner: runner)
        let server = HTTPServer(port: 0) { emulator.respond(to: $0) }
        let url = "http://127.0.0.1:\(try server.start())/2015-03-31/functions/Sleeper/invocations"
        defer { server.stop(); runner.shutdown() }
        let running = Request(url, method: "POST", body: Data("{}".utf8))
        lines.waitFor("took 1")
        let queued = try RunnerHTTPClient.send("POST", url, headers: ["X-Amz-Invocation-Type": "Event"], body: Data("{}".utf8))
        #expect(queued.status == 202)
        lines.waitFor("throttled")  // its first try met the one reserved slot in use
        try TestRuntime.open(1, in: folder)
        #expect(try running.answer().status == 200)
        #expect(lines.countContaining("took 2") == 0, "tried again only after its delay")
        time.advance(by: .seconds(1))
        lines.waitFor("took 2")
        try TestRuntime.open(2, in: folder)
        #expect(Eventually.holds { lines.count("REPORT") == 2 }, "the event ran to its end")
    }

    /// A call waiting for a busy function's instance is withdrawn when its client leaves: the
    /// function never runs for nobody, and the event's memory is let go. (80 clients posting 5 MB
    /// and leaving took the runner to 745 MB, and the function ran for 17 of them.)
    @Test func aWaitingCallIsWithdrawnWhenItsClientLeaves() throws {
        let folder = try TestRuntime.gated("sleeper"), lines = LambdaLogLines()
        let runner = LambdaEmulator(template: try Self.template(), environmentFile: EnvironmentFile(), executablesDirectory: folder,
                                 maximumInstances: 1, log: lines.log, timekeeper: .manual())
        let (server, port) = try Self.startAPI(runner)
        defer { server.stop(); runner.shutdown() }
        let running = Request("http://127.0.0.1:\(port)/slow")
        lines.waitFor("took 1")
        let pool = try runner.pool(for: try #require(runner.template.function(named: "Sleeper")))
        let alarmsBefore = runner.timekeeper.scheduledCount
        var leaving = try (0..<5).map { _ in try RawConnection(port: port) }
        let body = String(repeating: "x", count: 1 << 20)
        for client in leaving { client.send("GET /slow HTTP/1.1\r\nHost: t\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)") }
        #expect(Eventually.holds { pool.waitingCount == 5 })
        leaving.removeAll()  // each closes its connection
        #expect(Eventually.holds { pool.waitingCount == 0 }, "withdrawn as their clients left")
        // Their integration deadlines are off the schedule too: an alarm left there held its
        // call and the call's megabyte until the deadline (for ever, in a cycle, if never run).
        #expect(runner.timekeeper.scheduledCount == alarmsBefore)
        try TestRuntime.open(1, in: folder)
        #expect(try running.answer().status == 200)
        let next = Request("http://127.0.0.1:\(port)/slow")
        lines.waitFor("took 2")
        try TestRuntime.open(2, in: folder)
        #expect(try next.answer().status == 200)
        #expect(lines.countContaining("took") == 2, "the function ran for no client that had left")
    }

    /// An `Event` invocation that fails is tried twice more, a second and then two seconds
    /// later, as Lambda retries it twice; then let go, and said. (An instance that could not
    /// start, as while an executable is rebuilt, lost its events after their 202.)
    @Test func retriesAFailedEventInvocationTwice() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("failing-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let tries = folder.appendingPathComponent("tries")
        try TestRuntime.shell("echo try >> '\(tries.path)'\nexit 3", to: folder.appendingPathComponent("sleeper"))
        let time = Timekeeper.manual(), lines = LambdaLogLines()
        let runner = LambdaEmulator(template: try Self.template(), environmentFile: EnvironmentFile(), executablesDirectory: folder,
                                 log: lines.log, timekeeper: time)
        let emulator = LambdaInvokeEmulator(runner: runner)
        let server = HTTPServer(port: 0) { emulator.respond(to: $0) }
        let url = "http://127.0.0.1:\(try server.start())/2015-03-31/functions/Sleeper/invocations"
        defer { server.stop(); runner.shutdown() }
        func count() -> Int { ((try? String(contentsOf: tries, encoding: .utf8)) ?? "").split(separator: "\n").count }
        #expect(try RunnerHTTPClient.send("POST", url, headers: ["X-Amz-Invocation-Type": "Event"], body: Data("{}".utf8)).status == 202)
        #expect(Eventually.holds { count() == 1 })
        // Time moves a quarter second at a time until the next try: the failure is noticed
        // (and its retry scheduled) on the runner's threads, after the script has written.
        var waited = Duration.zero
        #expect(Eventually.holds { time.advance(by: .milliseconds(250)); waited += .milliseconds(250); return count() == 2 })
        #expect(waited >= .seconds(1), "tried again a second later, not before")
        waited = .zero
        #expect(Eventually.holds { time.advance(by: .milliseconds(250)); waited += .milliseconds(250); return count() == 3 })
        // The retry is scheduled when the failure is seen, which may be a step of time before
        // this loop sees the try's line: one step of slack, no more.
        #expect(waited >= .seconds(2) - .milliseconds(250), "and two seconds after that")
        lines.waitFor("failed three times and is let go")
        time.advance(by: .seconds(10))
        #expect(count() == 3, "no fourth try")
    }

    @Test func aThrottledRouteAnswersAPIGateways500() throws {
        let folder = try TestRuntime.gated("sleeper"), lines = LambdaLogLines()
        let runner = LambdaEmulator(template: try Self.template(reserved: 1), environmentFile: EnvironmentFile(), executablesDirectory: folder,
                                 log: lines.log, timekeeper: .manual())
        let (server, port) = try Self.startAPI(runner)
        defer { server.stop(); runner.shutdown() }
        let running = Request("http://127.0.0.1:\(port)/slow")
        lines.waitFor("took 1")
        let throttled = try RunnerHTTPClient.send("GET", "http://127.0.0.1:\(port)/slow")
        #expect(throttled.status == 500)
        #expect(throttled.body == #"{"message":"Internal Server Error"}"#)
        try TestRuntime.open(1, in: folder)
        #expect(try running.answer().status == 200)
    }

    @Test func reservedConcurrencyOfZeroThrottlesEveryInvocationWithoutStartingAnything() {
        let missing = URL(fileURLWithPath: "/nonexistent/\(UUID().uuidString)")
        let pool = InstancePool(definition: FunctionDefinition(logicalId: "Off", executable: missing, environment: [:], reservedConcurrency: 0),
                                log: LambdaLog { _ in }, timekeeper: .manual())
        #expect(pool.invoke([]) == .throttled)
    }

    /// API Gateway gives up after the integration timeout whether the call waited for an instance
    /// or its function was still running: 503 for an HTTP API, 504 for a REST API; the function
    /// still finishes, and its instance serves the next call.
    /// `start-api` as the runner serves it (answers deferred to the function's loop), on a free port.
    static func startAPI(_ runner: LambdaEmulator) throws -> (HTTPServer, UInt16) {
        final class Late: @unchecked Sendable { var emulator: APIGatewayEmulator? }
        let late = Late()
        let server = HTTPServer(port: 0) { request, responder in late.emulator!.respond(to: request, whenCallerLeaves: responder.onClientGone) { responder.respond($0) } }
        let port = try server.start()
        late.emulator = APIGatewayEmulator(runner: runner, host: "127.0.0.1:\(port)")
        return (server, port)
    }

    @Test func givesUpAtTheIntegrationTimeoutWhetherQueuedOrRunning() throws {
        let folder = try TestRuntime.gated("sleeper"), lines = LambdaLogLines(), time = Timekeeper.manual()
        let runner = LambdaEmulator(template: try Self.template(timeoutInMillis: 1500), environmentFile: EnvironmentFile(), executablesDirectory: folder,
                                 maximumInstances: 1, log: lines.log, timekeeper: time)
        let (server, port) = try Self.startAPI(runner)
        defer { server.stop(); runner.shutdown() }
        let pool = try runner.pool(for: try #require(runner.template.function(named: "Sleeper")))
        // One instance: the first call runs; the second (HTTP API) and third (REST API) wait for it.
        let first = Request("http://127.0.0.1:\(port)/slow")
        lines.waitFor("took 1")
        let second = Request("http://127.0.0.1:\(port)/slow"), third = Request("http://127.0.0.1:\(port)/rest")
        #expect(Eventually.holds { pool.waitingCount == 2 })
        time.advance(by: .seconds(1))
        try TestRuntime.open(1, in: folder)  // the first answers at 1 s, and the second runs
        #expect(try first.answer().status == 200)
        lines.waitFor("took 2")
        #expect(!second.isAnswered && !third.isAnswered)
        time.advance(by: .milliseconds(500))  // 1.5 s: the second is running, the third still waits
        let running = try second.answer(), queued = try third.answer()
        #expect(running.status == 503)
        #expect(running.body == #"{"message":"Service Unavailable"}"#)
        #expect(queued.status == 504)
        #expect(queued.body == #"{"message":"Endpoint request timed out"}"#)
        #expect(pool.waitingCount == 0, "the abandoned call left the queue")
        try TestRuntime.open(2, in: folder)  // the abandoned invocation still runs to its end, as on Lambda
        let next = Request("http://127.0.0.1:\(port)/slow")
        lines.waitFor("took 3")
        try TestRuntime.open(3, in: folder)
        #expect(try next.answer().status == 200, "it ended, and the instance serves on")
    }
}
