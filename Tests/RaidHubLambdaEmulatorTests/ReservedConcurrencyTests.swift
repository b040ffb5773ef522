import Foundation
@testable import RaidHubEmulation
import RaidHubHTTPServer
@testable import RaidHubLambdaEmulator
import RaidHubRunnerTestSupport
@testable import RaidHubTemplate
import RaidHubTestSupport
import Testing

/// Lambda's reserved concurrency through the Invoke API and the pool, with a gated runtime (it
/// answers when the test says) on manual time (deadlines pass when the test says): the tests
/// assert what happens and in which order, never how long it takes.
@Suite(.serialized) struct ReservedConcurrencyTests {
    @Test func throttlesInvokeAPICallsBeyondReservedConcurrencyWithLambdasTooManyRequests() throws {
        let folder = try TestRuntime.gated("sleeper"), lines = LambdaLogLines()
        let runner = LambdaEmulator(template: try TestRuntime.sleeperTemplate(reserved: 2), environmentFile: EnvironmentFile(), executablesDirectory: folder,
                                 log: lines.log, timekeeper: .manual())
        let emulator = LambdaInvokeEmulator(runner: runner)
        let server = HTTPServer(port: 0) { emulator.respond(to: $0) }
        let url = "http://127.0.0.1:\(try server.start())/2015-03-31/functions/Sleeper/invocations"
        defer { server.stop(); runner.shutdown() }
        let running = [RunnerHTTPClient.Call(url, method: "POST", body: Data("{}".utf8)), RunnerHTTPClient.Call(url, method: "POST", body: Data("{}".utf8))]
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
        let runner = LambdaEmulator(template: try TestRuntime.sleeperTemplate(reserved: 1), environmentFile: EnvironmentFile(), executablesDirectory: folder,
                                 log: lines.log, timekeeper: time)
        let emulator = LambdaInvokeEmulator(runner: runner)
        let server = HTTPServer(port: 0) { emulator.respond(to: $0) }
        let url = "http://127.0.0.1:\(try server.start())/2015-03-31/functions/Sleeper/invocations"
        defer { server.stop(); runner.shutdown() }
        let running = RunnerHTTPClient.Call(url, method: "POST", body: Data("{}".utf8))
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

    /// An `Event` invocation that fails is tried twice more, a second and then two seconds
    /// later, as Lambda retries it twice; then let go, and said. (An instance that could not
    /// start, as while an executable is rebuilt, lost its events after their 202.)
    @Test func retriesAFailedEventInvocationTwice() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("failing-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let tries = folder.appendingPathComponent("tries")
        try TestRuntime.shell("echo try >> '\(tries.path)'\nexit 3", to: folder.appendingPathComponent("sleeper"))
        let time = Timekeeper.manual(), lines = LambdaLogLines()
        let runner = LambdaEmulator(template: try TestRuntime.sleeperTemplate(), environmentFile: EnvironmentFile(), executablesDirectory: folder,
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

    @Test func reservedConcurrencyOfZeroThrottlesEveryInvocationWithoutStartingAnything() {
        let missing = URL(fileURLWithPath: "/nonexistent/\(UUID().uuidString)")
        let pool = InstancePool(definition: FunctionDefinition(logicalId: "Off", executable: missing, environment: [:], reservedConcurrency: 0),
                                log: LambdaLog { _ in }, timekeeper: .manual())
        #expect(pool.invoke([]) == .throttled)
    }
}
