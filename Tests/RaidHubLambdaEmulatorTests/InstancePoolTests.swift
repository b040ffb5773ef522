import Foundation
import RaidHubChildProcess
@testable import RaidHubEmulation
import RaidHubHTTPServer
@testable import RaidHubLambdaEmulator
import RaidHubRunnerTestSupport
import RaidHubTestSupport
import Testing

/// The warm instances of one function, on a time the tests move (`Timekeeper.manual()`): a
/// Timeout or an init budget passes when a test says so, never because the machine is busy.
@Suite struct InstancePoolTests {
    /// One call to a pool that does not block the test: its result comes when the invocation ends.
    final class Call: @unchecked Sendable {
        private let lock = NSLock()
        private var answer: InvocationResult?

        init(_ pool: InstancePool, _ event: [UInt8] = []) {
            pool.invoke(event, traceId: nil, clientContext: nil, answerBy: nil) { [self] result in lock.withLock { answer = result } }
        }

        /// How it ended, nil while it runs.
        var result: InvocationResult? { lock.withLock { answer } }

        /// Waits for the end (a function answering, or crashing, on its own).
        func wait() -> InvocationResult? {
            Eventually.holds { result != nil }
            return result
        }
    }

    static func function(_ name: String, environment: [String: String]? = nil, timeout: Int = 3, instances: Int = 4) throws -> FunctionDefinition {
        FunctionDefinition(logicalId: name, executable: FunctionExecutable.directory.appendingPathComponent(name),
                           environment: try environment ?? DevelopmentEnvironment.parameters(), timeoutSeconds: timeout, maximumInstances: instances)
    }

    /// A pool on manual time.
    static func pool(_ definition: FunctionDefinition, _ lines: LambdaLogLines = LambdaLogLines(), time: Timekeeper = .manual()) -> InstancePool {
        InstancePool(definition: definition, log: lines.log, timekeeper: time)
    }

    /// A Python runtime that says `took` for each event and never answers.
    static func hangingRuntime() throws -> URL {
        try TestRuntime.write("print('took', flush=True)\ntime.sleep(600)", to: FileManager.default.temporaryDirectory.appendingPathComponent("hang-\(UUID().uuidString)"))
    }

    static func script(_ body: String) throws -> URL {
        try TestRuntime.shell(body, to: FileManager.default.temporaryDirectory.appendingPathComponent("fn-\(UUID().uuidString)"))
    }

    func sampleEvent(_ function: String, _ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: DevelopmentEnvironment.root.appendingPathComponent("functions/\(function)/events/\(name).json")))
    }

    /// An instance's output ends (its process exited) and its reader closes the pipe; the
    /// number is then free for the next descriptor, say the next instance's Runtime API
    /// connection. The instance's end still flushes its output: that flush must read nothing,
    /// or it takes the connection's bytes (a crashed instance's `/init/error` went to the log,
    /// and its call waited out the integration timeout: 1 in 2,000 crashes from four callers).
    @Test func aFlushAfterTheOutputEndedReadsNoDescriptorThatReusedItsNumber() throws {
        // Other tests open descriptors meanwhile and may take the freed number first: a few tries.
        for _ in 0..<50 {
            let lines = LambdaLogLines()
            let output = try FunctionOutput(log: lines.log)
            let number = output.readEnd
            output.started()  // no process holds the write end: the output ends at once
            #expect(Eventually.holds { fcntl(number, F_GETFD) == -1 }, "the reader closed its end")
            var ends: [Int32] = [-1, -1]
            try #require(pipe(&ends) == 0)
            defer { close(ends[0]); close(ends[1]) }
            // The new pipe's read end at the number the output had: pipe takes the lowest free
            // numbers, else F_DUPFD the lowest from there.
            let reused = ends[0] == number ? ends[0] : fcntl(ends[0], F_DUPFD, number)
            defer { if reused != ends[0] { close(reused) } }
            guard reused == number else { continue }
            // Non-blocking, so a flush that did read it returns rather than waiting for more.
            _ = fcntl(reused, F_SETFL, fcntl(reused, F_GETFL) | O_NONBLOCK)
            #expect(write(ends[1], "POST /init/error", 16) == 16)
            output.flush()
            var buffer = [UInt8](repeating: 0, count: 64)
            #expect(read(reused, &buffer, 64) == 16, "the bytes are still there for their reader")
            #expect(!lines.all.joined().contains("init/error"))
            return
        }
        Issue.record("other tests took the freed descriptor number first in 50 tries")
    }

    /// An executable still open for writing (as it is, for a moment, in any process another
    /// thread is starting: a child holds every descriptor until its exec) cannot be run
    /// (ETXTBSY); the spawn waits for that moment to pass rather than failing the instance. (A
    /// test's script, written as another test started an instance, crashed a call in CI.)
    @Test func startsAnExecutableThatIsBrieflyOpenForWriting() throws {
        let script = try Self.script("exit 4")
        let writer = open(script.path, O_WRONLY | O_CLOEXEC)
        try #require(writer >= 0)
        // A thread of its own: the global queue's threads may all be busy with other tests.
        Thread {
            usleep(100_000)
            close(writer)
        }.start()
        let child = try ChildProcess(executable: script.path, environment: [:], output: 2, error: 2)
        #expect(child.waitUntilExit() == 4)
    }

    @Test func runsTheRealFunctionAndKeepsItWarm() throws {
        let lines = LambdaLogLines()
        let pool = Self.pool(try Self.function("authorize-user"), lines)
        defer { pool.shutdown() }
        for _ in 0..<3 {
            guard case .response(let payload) = pool.invoke(try sampleEvent("authorize-user", "http-v2-success")) else {
                Issue.record("no response"); return
            }
            #expect(String(decoding: payload, as: UTF8.self).hasPrefix(#"{"statusCode":200,"#))
        }
        #expect(lines.count("START RequestId: ") == 3)
        #expect(lines.count("END RequestId: ") == 3)
        let reports = lines.all.filter { $0.hasPrefix("REPORT RequestId: ") }
        #expect(reports.count == 3)
        #expect(reports.filter { $0.contains("\tInit Duration: ") }.count == 1, "one cold start, then warm")
        let report = try #require(reports.first)
        #expect(report.range(of: #"^REPORT RequestId: [0-9a-f-]{36}\tDuration: \d+\.\d\d ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: [1-9]\d* MB\tInit Duration: \d+\.\d\d ms$"#, options: .regularExpression) != nil, "\(report)")
    }

    /// A cold start's `Lambda-Runtime-Deadline-Ms` is the Timeout after init ends (its first
    /// `/next`), as a warm one's is the Timeout after the call: a handler after a 4 s init with
    /// a Timeout of 3 s has its 3 s, not none. Init has its own 10 s budget, so it is not a
    /// timeout either, and the REPORT line bills the init, as Lambda does for custom runtimes
    /// and images.
    @Test func aSlowInitIsNotATimeoutAndItsDeadlineCountsFromTheEndOfInit() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("slow-init-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let runtime = try TestRuntime.write(#"body = answer.getheader("Lambda-Runtime-Deadline-Ms").encode()"#,
                                            beforeLoop: TestRuntime.waitForFile(folder.appendingPathComponent("init-done")),
                                            to: folder.appendingPathComponent("slow-init"))
        let lines = LambdaLogLines(), time = Timekeeper.manual()
        let pool = Self.pool(FunctionDefinition(logicalId: "SlowInit", executable: runtime, environment: [:], timeoutSeconds: 3), lines, time: time)
        defer { pool.shutdown() }
        let started = time.wallMilliseconds
        let cold = Call(pool)
        #expect(Eventually.holds { time.scheduledCount == 1 }, "started, with its init budget's alarm")
        time.advance(by: .seconds(4))  // init takes 4 s, over the Timeout and within the budget
        #expect(cold.result == nil)
        try Data().write(to: folder.appendingPathComponent("init-done"))
        #expect(cold.wait() == .response(Array(String(started + 4000 + 3000).utf8)))
        let report = try #require(lines.all.first { $0.hasPrefix("REPORT") })
        #expect(report.contains("\tInit Duration: 4000.00 ms"), "\(report)")
        #expect(report.contains("\tBilled Duration: 4000 ms"), "\(report)")
        time.advance(by: .seconds(1))
        #expect(Call(pool).wait() == .response(Array(String(started + 5000 + 3000).utf8)), "warm: the Timeout after the call")
    }

    /// An init over its 10 s budget gets the Timeout from then (Lambda then runs init again
    /// within the invocation), and times out at its end.
    @Test func anInitOverItsBudgetTimesOutATimeoutLater() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stuck-init-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let runtime = try TestRuntime.write("", beforeLoop: TestRuntime.waitForFile(folder.appendingPathComponent("never")), to: folder.appendingPathComponent("stuck"))
        let time = Timekeeper.manual()
        let pool = Self.pool(FunctionDefinition(logicalId: "StuckInit", executable: runtime, environment: [:], timeoutSeconds: 3), time: time)
        defer { pool.shutdown() }
        let call = Call(pool)
        #expect(Eventually.holds { time.scheduledCount == 1 }, "the init budget's alarm")
        time.advance(by: .seconds(12))
        #expect(call.result == nil)
        time.advance(by: .seconds(1))
        #expect(call.result == .timedOut(seconds: 3))
    }

    @Test(.enabled(if: PythonOracle.isAvailable(importing: "http.client"), "python3 is not installed"))
    func worksWithAnyConformingRuntimeClient() throws {
        let client = DevelopmentEnvironment.root.appendingPathComponent("Benchmarks/reference_runtime_client.py")
        let definition = FunctionDefinition(logicalId: "PythonEcho", executable: client, environment: [:])
        let pool = Self.pool(definition)
        defer { pool.shutdown() }
        #expect(pool.invoke(Array("{}".utf8)) == .response(Array(#"{"statusCode":200}"#.utf8)))
        #expect(pool.invoke(Array("{}".utf8)) == .response(Array(#"{"statusCode":200}"#.utf8)))
    }

    @Test func servesParallelCallsWithAtMostTheLimitOfInstances() async throws {
        let lines = LambdaLogLines()
        let pool = Self.pool(try Self.function("authorizer", instances: 2), lines)
        defer { pool.shutdown() }
        let event = try sampleEvent("authorizer", "http-v2-allow-user")
        let answered = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<12 {
                group.addTask {
                    if case .response(let payload) = pool.invoke(event) { return String(decoding: payload, as: UTF8.self).hasPrefix(#"{"isAuthorized":true"#) }
                    return false
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(answered == 12)
        #expect(lines.countContaining("\tInit Duration: ") <= 2)
    }

    /// A runtime that takes its event and never answers: the Timeout (from the moment it had
    /// the event) kills it, and the next invocation gets a fresh instance.
    @Test func killsATimedOutInstanceAndStartsAFreshOne() throws {
        let lines = LambdaLogLines(), time = Timekeeper.manual()
        let pool = Self.pool(FunctionDefinition(logicalId: "Sleeper", executable: try Self.hangingRuntime(), environment: [:], timeoutSeconds: 1), lines, time: time)
        defer { pool.shutdown() }
        for round in 1...2 {
            let call = Call(pool)
            lines.waitFor("took", count: round)
            time.advance(by: .milliseconds(999))
            #expect(call.result == nil, "not before its Timeout")
            time.advance(by: .milliseconds(1))
            #expect(call.result == .timedOut(seconds: 1))
        }
        #expect(lines.countContaining("Task timed out after 1.00 seconds") == 2)
        #expect(lines.all.contains { $0.hasPrefix("2023-11-14T22:13:21.000Z ") && $0.hasSuffix(" Task timed out after 1.00 seconds") }, "stamped with the time")
        #expect(lines.countContaining("\tInit Duration: ") == 2, "a fresh instance, so a cold start, each time")
    }

    /// What a function's process starts goes with it, as Lambda ends a whole environment: a
    /// shell that leaves a child behind when it crashes, or when it times out. (The child held
    /// the output pipe, so the instance's output reader and its descriptor stayed for ever.)
    @Test(arguments: [false, true])
    func endsWhatAnInstanceStartedWithIt(timesOut: Bool) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("orphans-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let child = folder.appendingPathComponent("child")
        let script = try Self.script("sleep 300 &\necho $! > '\(child.path)'\n" + (timesOut ? "sleep 300" : "exit 3"))
        let time = Timekeeper.manual()
        let pool = Self.pool(FunctionDefinition(logicalId: "Leaver", executable: script, environment: [:], timeoutSeconds: 1), time: time)
        defer { pool.shutdown() }
        let call = Call(pool)
        var pid: Int32 = 0
        #expect(Eventually.holds { pid = Int32(((try? String(contentsOf: child, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0; return pid > 0 })
        if timesOut {
            // It never asks for its event: its init budget (10 s) and then its Timeout run out.
            // The script can write its child's pid before the pool sets the init budget's alarm,
            // which manual time would then fire only on a later advance (1 run in 6 beside two
            // busy loops hung here): wait for the alarm first.
            #expect(Eventually.holds { time.scheduledCount == 1 }, "the init budget's alarm")
            time.advance(by: .seconds(30))
            #expect(Eventually.holds { call.result != nil })
            #expect(call.result == .timedOut(seconds: 1))
        } else {
            #expect(Eventually.holds { call.result != nil })
            guard case .crashed(3, _)? = call.result else { Issue.record("not a crash with status 3: \(String(describing: call.result))"); return }
        }
        // Gone, or a zombie waiting for whoever adopted it: either way no longer running.
        func running() -> Bool {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
            return !stat.contains(") Z ")
        }
        #expect(Eventually.holds { !running() }, "the instance's child \(pid) outlived it")
    }

    /// A warm instance runs its invocation without a thread waiting on it: its Timeout comes
    /// from the timekeeper, a crash from the exit, and either way the next call gets a fresh
    /// instance while the pool stays usable.
    @Test func endsAWarmInvocationAtItsTimeoutOrItsCrash() throws {
        let script = try TestRuntime.write("""
            if event == b"hang":
                print("took hang", flush=True)
                time.sleep(600)
            if event == b"exit":
                os._exit(7)
            """, to: FileManager.default.temporaryDirectory.appendingPathComponent("warm-\(UUID().uuidString)"))
        let lines = LambdaLogLines(), time = Timekeeper.manual()
        let pool = Self.pool(FunctionDefinition(logicalId: "Warm", executable: script, environment: [:], timeoutSeconds: 1, maximumInstances: 1), lines, time: time)
        defer { pool.shutdown() }
        let ok = InvocationResult.response(Array(#"{"statusCode":200}"#.utf8))
        #expect(pool.invoke([]) == ok)  // cold
        #expect(pool.invoke([]) == ok)  // warm
        let hanging = Call(pool, Array("hang".utf8))
        lines.waitFor("took hang")
        time.advance(by: .seconds(1))
        #expect(hanging.result == .timedOut(seconds: 1))
        #expect(lines.countContaining("Task timed out after 1.00 seconds") == 1)
        #expect(pool.invoke([]) == ok)  // a fresh instance: cold
        #expect(pool.invoke([]) == ok)  // warm again
        guard case .crashed(7, _) = pool.invoke(Array("exit".utf8)) else { Issue.record("not a crash with status 7"); return }
        #expect(pool.invoke([]) == ok)
        #expect(lines.countContaining("\tInit Duration: ") == 3, "cold at first, after the timeout and after the crash")
        #expect(lines.count("START RequestId: ") == 7)
        #expect(lines.count("END RequestId: ") == 7)
    }

    /// 64 instances started at once from as many threads, with no lock around spawning, are
    /// each seen to exit. Foundation's `Process` watched a child through a socket that a child
    /// spawned at the same moment could inherit, and then the first one's exit went unnoticed (a
    /// zombie, and shutdown waited for it forever), so the runner spawned one at a time; each
    /// exit is now a pidfd of its own. A race: the old way failed now and then, not every run.
    @Test func noticesTheExitOfInstancesStartedAtOnce() throws {
        let script = try TestRuntime.write("", to: FileManager.default.temporaryDirectory.appendingPathComponent("many-\(UUID().uuidString)"))
        for _ in 0..<3 {
            let pool = Self.pool(FunctionDefinition(logicalId: "Many", executable: script, environment: [:], maximumInstances: 64))
            let answered = Locked(0), group = DispatchGroup()
            // Descriptors opened meanwhile push new ones above those a spawn looked at, as a
            // burst of connections does in the runner.
            let held = Locked<[Int32]>([])
            Thread {
                for _ in 0..<400 {
                    let descriptor = open("/dev/null", O_RDONLY | O_CLOEXEC)
                    held.withLock { $0.append(descriptor) }
                    usleep(500)
                }
            }.start()
            defer { held.withLock { $0.forEach { close($0) } } }
            for _ in 0..<64 {  // threads of their own: 64 cold starts at the same moment
                group.enter()
                Thread {
                    if case .response = pool.invoke([]) { answered.withLock { $0 += 1 } }
                    group.leave()
                }.start()
            }
            group.wait()
            #expect(answered.withLock { $0 } == 64)
            let stopped = DispatchSemaphore(value: 0)
            Thread {
                pool.shutdown()
                stopped.signal()
            }.start()
            try #require(stopped.wait(timeout: .now() + 60) == .success, "shutdown still waits for an instance that has exited")
        }
    }

    /// An executable that cannot be started ends each call as a crash with the reason logged,
    /// and gives its slot back: the next call tries again instead of waiting forever.
    @Test func answersACallWhoseInstanceCannotStart() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("not-executable-\(UUID().uuidString)")
        try Data("#!/bin/sh\n".utf8).write(to: file)  // no execute permission
        let lines = LambdaLogLines()
        let pool = Self.pool(FunctionDefinition(logicalId: "Broken", executable: file, environment: [:], maximumInstances: 1), lines)
        defer { pool.shutdown() }
        for _ in 0..<2 {
            guard case .crashed(-1, _) = pool.invoke([]) else { Issue.record("not a crash before start"); continue }
        }
        #expect(lines.countContaining("Broken: cannot start \(file.path)") == 2)
    }

    /// After shutdown a call is answered at once, as a crash, without starting anything.
    @Test func refusesCallsAfterShutdown() throws {
        let lines = LambdaLogLines()
        let pool = Self.pool(try Self.function("authorize-user"), lines)
        pool.shutdown()
        guard case .crashed(-1, _) = pool.invoke(try sampleEvent("authorize-user", "http-v2-success")) else {
            Issue.record("not refused"); return
        }
        #expect(lines.countContaining("the runner is stopping") == 1)
        #expect(lines.count("START RequestId: ") == 0)
    }

    @Test func reportsACrashedInstance() throws {
        let pool = Self.pool(FunctionDefinition(logicalId: "Crasher", executable: try Self.script("exit 3"), environment: [:]))
        defer { pool.shutdown() }
        for _ in 0..<2 {  // a fresh instance each time
            guard case .crashed(3, let requestId) = pool.invoke([]) else { Issue.record("not a crash with status 3"); continue }
            #expect(requestId.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/) != nil)
            #expect(String(decoding: InvocationResult.crashed(exitStatus: 3, requestId: requestId).errorPayload ?? [], as: UTF8.self)
                == #"{"errorType":"Runtime.ExitError","errorMessage":"RequestId: \#(requestId) Error: Runtime exited with error: exit status 3"}"#)
        }
    }

    @Test func reportsAnInitError() throws {
        var environment = try DevelopmentEnvironment.parameters()
        environment["CLIENT_SECRET"] = nil
        let pool = Self.pool(try Self.function("authorize-user", environment: environment))
        defer { pool.shutdown() }
        guard case .initError(let report) = pool.invoke(try sampleEvent("authorize-user", "http-v2-success")) else {
            Issue.record("not an init error"); return
        }
        #expect(String(decoding: report, as: UTF8.self) == #"{"errorMessage":"CLIENT_SECRET is not set","errorType":"InvalidConfiguration","stackTrace":[]}"#)
    }

    @Test func picksUpARebuiltExecutable() throws {
        let lines = LambdaLogLines(), time = Timekeeper.manual()
        let client = DevelopmentEnvironment.root.appendingPathComponent("Benchmarks/reference_runtime_client.py")
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("client-\(UUID().uuidString).py")
        try FileManager.default.copyItem(at: client, to: copy)
        let pool = Self.pool(FunctionDefinition(logicalId: "Echo", executable: copy, environment: [:]), lines, time: time)
        defer { pool.shutdown() }
        _ = pool.invoke([])
        _ = pool.invoke([])
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(5)], ofItemAtPath: copy.path)
        time.advance(by: .milliseconds(600))  // the pool looks at the executable at most every half second
        _ = pool.invoke([])
        #expect(lines.countContaining("\tInit Duration: ") == 2, "cold, warm, then cold again after the rebuild")
    }

    /// Many instances timing out together each answer as a timeout: the kill must not be
    /// recorded as a crash first.
    @Test func manyConcurrentTimeoutsAllEndAsTimeouts() throws {
        let lines = LambdaLogLines(), time = Timekeeper.manual()
        let pool = Self.pool(FunctionDefinition(logicalId: "Stuck", executable: try Self.hangingRuntime(), environment: [:], timeoutSeconds: 1,
                                                maximumInstances: 32), lines, time: time)
        defer { pool.shutdown() }
        let calls = (0..<32).map { _ in Call(pool) }
        lines.waitFor("took", count: 32)
        time.advance(by: .seconds(1))
        let all = calls.compactMap(\.result)
        #expect(all.count == 32)
        #expect(all.allSatisfy { $0 == .timedOut(seconds: 1) }, "\(all.filter { $0 != .timedOut(seconds: 1) })")
    }
}
