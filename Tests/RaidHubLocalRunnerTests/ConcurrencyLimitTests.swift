import Foundation
@testable import RaidHubEmulation
@testable import RaidHubLambdaEmulator
import RaidHubRunnerTestSupport
@testable import RaidHubTemplate
import RaidHubTestSupport
import Testing

/// Lambda's reserved concurrency and API Gateway's integration timeout through start-api, with
/// a gated runtime (it answers when the test says) on manual time (deadlines pass when the test
/// says): the tests assert what happens and in which order, never how long it takes.
@Suite(.serialized) struct ConcurrencyLimitTests {
    /// A call waiting for a busy function's instance is withdrawn when its client leaves: the
    /// function never runs for nobody, and the event's memory is let go. (80 clients posting 5 MB
    /// and leaving took the runner to 745 MB, and the function ran for 17 of them.)
    @Test func aWaitingCallIsWithdrawnWhenItsClientLeaves() throws {
        let folder = try TestRuntime.gated("sleeper"), lines = LambdaLogLines()
        let runner = LambdaEmulator(template: try TestRuntime.sleeperTemplate(), environmentFile: EnvironmentFile(), executablesDirectory: folder,
                                 maximumInstances: 1, log: lines.log, timekeeper: .manual())
        let (server, port) = try StartAPIServer.start(over: runner)
        defer { server.stop(); runner.shutdown() }
        let running = RunnerHTTPClient.Call("http://127.0.0.1:\(port)/slow")
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
        let next = RunnerHTTPClient.Call("http://127.0.0.1:\(port)/slow")
        lines.waitFor("took 2")
        try TestRuntime.open(2, in: folder)
        #expect(try next.answer().status == 200)
        #expect(lines.countContaining("took") == 2, "the function ran for no client that had left")
    }

    @Test func aThrottledRouteAnswersAPIGateways500() throws {
        let folder = try TestRuntime.gated("sleeper"), lines = LambdaLogLines()
        let runner = LambdaEmulator(template: try TestRuntime.sleeperTemplate(reserved: 1), environmentFile: EnvironmentFile(), executablesDirectory: folder,
                                 log: lines.log, timekeeper: .manual())
        let (server, port) = try StartAPIServer.start(over: runner)
        defer { server.stop(); runner.shutdown() }
        let running = RunnerHTTPClient.Call("http://127.0.0.1:\(port)/slow")
        lines.waitFor("took 1")
        let throttled = try RunnerHTTPClient.send("GET", "http://127.0.0.1:\(port)/slow")
        #expect(throttled.status == 500)
        #expect(throttled.body == #"{"message":"Internal Server Error"}"#)
        try TestRuntime.open(1, in: folder)
        #expect(try running.answer().status == 200)
    }

    /// API Gateway gives up after the integration timeout whether the call waited for an instance
    /// or its function was still running: 503 for an HTTP API, 504 for a REST API; the function
    /// still finishes, and its instance serves the next call.
    @Test func givesUpAtTheIntegrationTimeoutWhetherQueuedOrRunning() throws {
        let folder = try TestRuntime.gated("sleeper"), lines = LambdaLogLines(), time = Timekeeper.manual()
        let runner = LambdaEmulator(template: try TestRuntime.sleeperTemplate(timeoutInMillis: 1500), environmentFile: EnvironmentFile(), executablesDirectory: folder,
                                 maximumInstances: 1, log: lines.log, timekeeper: time)
        let (server, port) = try StartAPIServer.start(over: runner)
        defer { server.stop(); runner.shutdown() }
        let pool = try runner.pool(for: try #require(runner.template.function(named: "Sleeper")))
        // One instance: the first call runs; the second (HTTP API) and third (REST API) wait for it.
        let first = RunnerHTTPClient.Call("http://127.0.0.1:\(port)/slow")
        lines.waitFor("took 1")
        let second = RunnerHTTPClient.Call("http://127.0.0.1:\(port)/slow"), third = RunnerHTTPClient.Call("http://127.0.0.1:\(port)/rest")
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
        let next = RunnerHTTPClient.Call("http://127.0.0.1:\(port)/slow")
        lines.waitFor("took 3")
        try TestRuntime.open(3, in: folder)
        #expect(try next.answer().status == 200, "it ended, and the instance serves on")
    }
}
