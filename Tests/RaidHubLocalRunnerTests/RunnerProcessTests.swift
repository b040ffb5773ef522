import Foundation
import RaidHubHTTPServer
import RaidHubRunnerTestSupport
import RaidHubTestSupport
import Testing

/// The `local-runner` process as a developer runs it: signals, exit statuses, the children it
/// leaves (none), and closed output streams.
@Suite(.serialized) struct RunnerProcessTests {
    /// Ctrl-C in a terminal signals the runner's whole process group (`toGroup`): the
    /// instances lead groups of their own, so only the runner hears it and the request in
    /// flight is still answered (spawned in the runner's group, they died with it: a 502).
    @Test(arguments: [false, true])
    func letsARequestInFlightFinishOnSIGINTThenExits130(toGroup: Bool) throws {
        let folder = try RunnerProcess.workspace()
        let (runner, port) = try RunnerProcess.start(in: folder)
        defer { if runner.isRunning { runner.terminate() } }
        let client = try RawConnection(port: port)
        client.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
        var instances: [Int32] = []
        #expect(Eventually.holds { instances = RunnerProcess.children(of: runner.processIdentifier); return !instances.isEmpty }, "an instance for the request")
        if toGroup {
            // Foundation starts the runner as the leader of a group of its own, as a shell does.
            try #require(getpgid(runner.processIdentifier) == runner.processIdentifier && getpgid(0) != runner.processIdentifier)
            kill(-runner.processIdentifier, SIGINT)
        } else {
            kill(runner.processIdentifier, SIGINT)
        }
        let answer = client.readResponse()
        #expect(answer?.status == 200)
        #expect(answer?.body == "slow")
        #expect(answer?.headers["connection"] == "close")
        #expect(RunnerProcess.waitForExit(runner, seconds: 60))
        #expect(runner.terminationStatus == 130)
        for pid in instances { #expect(RunnerProcess.isGone(pid), "instance \(pid) outlived the runner") }
    }

    /// A second signal ends the grace period at once; busy instances are killed and reaped.
    @Test func aSecondSignalStopsAtOnceAndLeavesNoChildBehind() throws {
        let folder = try RunnerProcess.workspace()
        let said = RunnerProcess.Said()
        let (runner, port) = try RunnerProcess.start(in: folder, stderr: said.pipe)
        defer { if runner.isRunning { runner.terminate() } }
        let client = try RawConnection(port: port)
        client.send("GET /stuck HTTP/1.1\r\nHost: t\r\n\r\n")
        var instances: [Int32] = []
        #expect(Eventually.holds { instances = RunnerProcess.children(of: runner.processIdentifier); return !instances.isEmpty }, "an instance for the request")
        kill(runner.processIdentifier, SIGTERM)
        said.waitFor("local-runner: stopping; requests in flight have 10 s to finish")
        #expect(runner.isRunning, "still in its grace period")
        kill(runner.processIdentifier, SIGTERM)
        // At once: well before the grace period (10 s) would have ended it.
        #expect(RunnerProcess.waitForExit(runner, seconds: 5))
        #expect(runner.terminationStatus == 143)
        #expect(client.readResponse() == nil, "the unfinished request's connection is closed")
        for pid in instances { #expect(RunnerProcess.isGone(pid), "busy instance \(pid) left running") }
    }

    /// Log lines to a closed stderr are lost, but the runner goes on serving.
    @Test func keepsServingWhenItsStandardErrorIsClosed() throws {
        let folder = try RunnerProcess.workspace()
        let stderr = Pipe()
        let (runner, port) = try RunnerProcess.start(in: folder, stderr: stderr)
        defer { if runner.isRunning { runner.terminate() } }
        try stderr.fileHandleForReading.close()
        let client = try RawConnection(port: port)
        for index in 0..<3 {
            client.send("GET /slow?\(index) HTTP/1.1\r\nHost: t\r\n\r\n")  // each logs START, END and REPORT
            #expect(client.readResponse()?.status == 200)
        }
        #expect(runner.isRunning)
        kill(runner.processIdentifier, SIGINT)
        #expect(RunnerProcess.waitForExit(runner, seconds: 60))
        #expect(runner.terminationStatus == 130)
    }

    /// Requests waiting for a busy function hold no thread: 300 callers of a function with four
    /// instances wait on the event loop and the timekeeper, and every one is answered. (The
    /// server used to give each a worker thread, up to 64, and queue the rest.)
    @Test func requestsWaitingForAFunctionHoldNoThread() throws {
        let folder = try RunnerProcess.workspace()
        // Its log (1,500 lines) to /dev/null: a pipe nobody reads would fill and stall it.
        let (runner, port) = try RunnerProcess.start(in: folder, stderr: FileHandle.nullDevice)
        defer { runner.terminate(); runner.waitUntilExit() }
        func threads() -> Int { (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(runner.processIdentifier)/task").count) ?? 0 }
        let callers = try (0..<300).map { _ in try RawConnection(port: port) }
        for caller in callers { caller.send("GET /held HTTP/1.1\r\nHost: t\r\n\r\n") }
        // Four instances hold an event each until `go`; the other 296 callers wait meanwhile.
        #expect(Eventually.holds { RunnerProcess.children(of: runner.processIdentifier).count == 4 })
        let during = threads()
        try Data().write(to: folder.appendingPathComponent("go"))
        var answered = 0
        for caller in callers where caller.readResponse()?.status == 200 { answered += 1 }
        #expect(answered == 300)
        // The loop, the timekeeper, signal handling, and per instance its Runtime API loop, its
        // output reader and the worker that started it: about 20.
        #expect(during < 30, "\(during) threads while 300 requests waited")
    }

    /// 2,000 `Event` invocations of a busy function hold no 2,000 threads, and every one that
    /// got its 202 runs (when the runner started a thread each, 1,659 of 2,000 acknowledged events
    /// never ran once threads ran out, and nothing said so).
    @Test func asyncInvocationsWaitInAQueueAndEveryAcceptedOneRuns() throws {
        let folder = try RunnerProcess.workspace()
        let said = RunnerProcess.Said()
        let (runner, port) = try RunnerProcess.start(in: folder, stderr: said.pipe, arguments: ["start-lambda", "--port", "PORT"])
        defer { runner.terminate(); runner.waitUntilExit() }
        func threads() -> Int { (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(runner.processIdentifier)/task").count) ?? 0 }
        let client = try RawConnection(port: port)
        var statuses: [Int: Int] = [:]
        for index in 0..<2_000 {
            let event = #"{"n":\#(index)}"#
            client.send("POST /2015-03-31/functions/Held/invocations HTTP/1.1\r\nHost: t\r\nX-Amz-Invocation-Type: Event\r\n"
                + "Content-Length: \(event.utf8.count)\r\n\r\n\(event)")
            statuses[client.readResponse()?.status ?? 0, default: 0] += 1
        }
        #expect(statuses == [202: 2_000])
        // Four instances hold an event each until `go`; the other 1,996 wait in the queue.
        #expect(Eventually.holds { RunnerProcess.children(of: runner.processIdentifier).count == 4 })
        let during = threads()
        try Data().write(to: folder.appendingPathComponent("go"))
        #expect(Eventually.holds { said.all.components(separatedBy: "REPORT RequestId").count - 1 == 2_000 },
                "every accepted event ran")
        #expect(during < 30, "\(during) threads while 2,000 events waited")
    }

    /// A request the server refuses itself (here a body over its limit, 413) gets its access
    /// line like any other: it had none, so a developer saw a 413 nobody logged.
    @Test func aRequestTheServerRefusesGetsItsAccessLine() throws {
        let folder = try RunnerProcess.workspace()
        let said = RunnerProcess.Said()
        let (runner, port) = try RunnerProcess.start(in: folder, stderr: said.pipe)
        defer { runner.terminate(); runner.waitUntilExit() }
        let client = try RawConnection(port: port)
        client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 99999999\r\n\r\n")
        #expect(client.readResponse()?.status == 413)
        said.waitFor("access method=POST path=/echo route=- function=- status=413")
    }

    /// The connection cap follows the descriptor limit (half of it, after raising the soft
    /// limit to the hard one), so idle clients leave descriptors for starting an instance. Under
    /// `ulimit -n 128`, 200 idle clients once took every descriptor, and a cold start failed.
    @Test func idleClientsLeaveDescriptorsForAColdStart() throws {
        let folder = try RunnerProcess.workspace()
        try TestRuntime.shell(#"ulimit -n 128 && exec "$(dirname "$0")/local-runner" "$@""#, to: folder.appendingPathComponent("limited"))
        let (runner, port) = try RunnerProcess.start(in: folder, stderr: FileHandle.nullDevice, executable: "limited")
        defer { runner.terminate(); runner.waitUntilExit() }
        let clients = try (0..<200).map { _ in try RawConnection(port: port) }
        // Those over the cap are closed at once; the last one was surely over it.
        #expect(Eventually.holds { clients[199].isReadable(within: 0) } && clients[199].isClosedByServer())
        clients[0].send("GET /echo HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(clients[0].readResponse()?.status == 200, "a cold start with 200 clients connected")
        let held = clients.filter { !$0.isReadable(within: 0) }.count
        // Half of 128 descriptors, less the probe that found the runner listening if the runner
        // had not yet seen it close.
        #expect((62...64).contains(held), "\(held) connections held")
    }

    /// The short version of `Benchmarks/soak.sh`: a warm runner's memory does not grow with the
    /// invocations it serves. 12,000 requests on four keep-alive connections after 2,000 to warm
    /// up; the runner once kept 185 bytes per invocation (2 MB more here).
    @Test(.disabled(if: Sanitizer.isActive, Comment(rawValue: Sanitizer.skipReason))) func memoryStaysFlatOverThousandsOfInvocations() throws {
        let folder = try RunnerProcess.workspace()
        let (runner, port) = try RunnerProcess.start(in: folder, stderr: FileHandle.nullDevice)
        defer { runner.terminate(); runner.waitUntilExit() }
        func residentKiB() -> Int { RunnerProcess.residentKiB(of: runner.processIdentifier) }
        func load(_ count: Int) -> Int {
            let answered = Locked(0)
            DispatchQueue.concurrentPerform(iterations: 4) { _ in
                guard let client = try? RawConnection(port: port) else { return }
                var ok = 0
                for _ in 0..<(count / 4) {
                    client.send("GET /echo HTTP/1.1\r\nHost: t\r\n\r\n")
                    if client.readResponse()?.status == 200 { ok += 1 }
                }
                answered.withLock { $0 += ok }
            }
            return answered.withLock { $0 }
        }
        #expect(load(2_000) == 2_000)
        let before = residentKiB()
        #expect(load(12_000) == 12_000)
        let after = residentKiB()
        #expect(after - before < 1_024, "RSS grew from \(before) to \(after) KiB over 12,000 invocations")
    }

    /// Out of descriptors with not even a spare to make room with (the limit set to 3, below
    /// everything the runner holds but its standard streams), the runner stops watching its
    /// listener instead of spinning (epoll is level-triggered: a client it cannot accept had it
    /// report the listener ready at once, for ever, at full CPU), holds the client, and serves it
    /// once descriptors are free.
    @Test func outOfDescriptorsItHoldsTheClientInsteadOfSpinning() throws {
        let (runner, port, pid) = try Self.startHandlingSignals()
        defer { Self.stop(runner) }
        #expect(try RunnerProcess.setDescriptorLimit(of: pid, to: 3))
        let waiting = try RawConnection(port: port)  // in the listener's backlog
        waiting.send("GET /echo HTTP/1.1\r\nHost: t\r\n\r\n")
        let spent = Self.cpuTicksOverASecond(of: pid)
        #expect(spent < 15, "the runner spent \(spent) ticks of CPU in one second, out of descriptors")
        #expect(!waiting.isReadable(within: 0), "held, neither answered nor closed")
        #expect(try RunnerProcess.setDescriptorLimit(of: pid, to: Self.hardDescriptorLimit))
        #expect(waiting.readResponse()?.status == 200, "the waiting client is served once descriptors are free")
    }

    /// With the table exactly full (the limit at the lowest free number), the spare makes room to
    /// accept the waiting client and close it; then the runner waits, quiet. Linux takes a number
    /// before it looks for a client, so a full table answers EMFILE even when none waits: the
    /// spare's give-and-take went round for ever on the loop's thread, serving nothing, deaf to
    /// SIGTERM: a connection opened before gets no answer to a bad request.
    @Test func withTheTableFullItClosesTheWaitingClientAndWaitsQuietly() throws {
        let (runner, port, pid) = try Self.startHandlingSignals()
        defer { Self.stop(runner) }
        let kept = try RawConnection(port: port)
        kept.setReadTimeout(milliseconds: 10_000)
        // The table must hold still first: the start's readiness probe, closed at once by the
        // test, is closed by the runner when its loop gets to it.
        var open = RunnerProcess.openDescriptors(of: pid)
        #expect(Eventually.holds {
            Thread.sleep(forTimeInterval: 0.2)
            defer { open = RunnerProcess.openDescriptors(of: pid) }
            return open == RunnerProcess.openDescriptors(of: pid)
        })
        let lowestFree = (0...).first { !open.contains(Int32($0)) }!
        #expect(try RunnerProcess.setDescriptorLimit(of: pid, to: rlim_t(lowestFree)))
        let dropped = try RawConnection(port: port)
        dropped.send("GET /echo HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(Eventually.holds { dropped.isReadable(within: 0) }, "accepted and closed")
        let spent = Self.cpuTicksOverASecond(of: pid)
        #expect(spent < 15, "the runner spent \(spent) ticks of CPU in one second with its table full")
        kept.send("BAD\r\n\r\n")  // answered by the loop itself, no descriptor needed
        #expect(kept.readResponse()?.status == 400, "the loop still serves the connections it has")
        #expect(try RunnerProcess.setDescriptorLimit(of: pid, to: Self.hardDescriptorLimit))
        #expect(dropped.readResponse() == nil, "closed unanswered")
        let next = try RawConnection(port: port)
        next.send("GET /echo HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(next.readResponse()?.status == 200, "and it serves on")
    }

    /// The runner in a workspace, once it has set up its signal handling (a limit lowered before
    /// would leave it unable to, and deaf to SIGTERM).
    static func startHandlingSignals() throws -> (Process, UInt16, Int32) {
        let (runner, port) = try RunnerProcess.start(in: try RunnerProcess.workspace())
        #expect(Eventually.holds { RunnerProcess.handlesSignals(runner.processIdentifier) })
        return (runner, port, runner.processIdentifier)
    }

    /// SIGTERM, then SIGKILL if the runner has not gone in 10 s (a loop that never returns to
    /// epoll does not hear the stop).
    static func stop(_ runner: Process) {
        runner.terminate()
        if !RunnerProcess.waitForExit(runner, seconds: 10) {
            kill(runner.processIdentifier, SIGKILL)
            runner.waitUntilExit()
        }
    }

    /// The runner raised its soft limit to this, the hard limit it inherited from the tests.
    static var hardDescriptorLimit: rlim_t {
        var limit = rlimit()
        _ = getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        return limit.rlim_max
    }

    /// The CPU ticks `pid` uses in one second, from 0.2 s on (by when the accept has failed).
    static func cpuTicksOverASecond(of pid: Int32) -> Int {
        Thread.sleep(forTimeInterval: 0.2)
        let before = RunnerProcess.cpuTicks(of: pid)
        Thread.sleep(forTimeInterval: 1)
        return RunnerProcess.cpuTicks(of: pid) - before
    }

    /// A function that fails at every start costs nothing that stays: 600 instances that
    /// reported an init error and exited leave the runner's descriptors where they were (give or
    /// take a passing thread's) and its memory within 1 MiB. (Each kept a descriptor on
    /// /proc/PID/status, and Foundation kept each Process: 2.5 KB apiece.)
    @Test func crashedInstancesLeaveNothingBehind() throws {
        let folder = try RunnerProcess.workspace()
        let (runner, port) = try RunnerProcess.start(in: folder, stderr: FileHandle.nullDevice)
        defer { runner.terminate(); runner.waitUntilExit() }
        // Four callers at once, as many as the function's instances: the crashes overlap, as
        // they do under load (which found a finished instance's output reader taking the next
        // instance's Runtime API bytes: 1 call in 2,000 waited out its integration timeout).
        func crashes(_ count: Int) -> Int {
            let answered = Locked(0)
            DispatchQueue.concurrentPerform(iterations: 4) { caller in
                for _ in stride(from: caller, to: count, by: 4) {
                    guard let client = try? RawConnection(port: port) else { continue }
                    client.send("POST /misconfigured HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
                    if client.readResponse()?.status == 502 { answered.withLock { $0 += 1 } }
                }
            }
            return answered.withLock { $0 }
        }
        func descriptors() -> Int { (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(runner.processIdentifier)/fd").count) ?? 0 }
        let quiet = { Eventually.holds { RunnerProcess.children(of: runner.processIdentifier).isEmpty } }
        #expect(crashes(100) == 100)
        #expect(quiet(), "every crashed instance reaped")
        let (memoryBefore, descriptorsBefore) = (RunnerProcess.residentKiB(of: runner.processIdentifier), descriptors())
        #expect(crashes(600) == 600)
        #expect(quiet(), "every crashed instance reaped")
        // The last instances may still be closing, and Foundation runs each exit's handler on a
        // thread of its own whose run loop holds three descriptors until the thread ends: a
        // few, never one per crash.
        #expect(Eventually.holds { descriptors() <= descriptorsBefore + 9 }, "descriptors \(descriptorsBefore) -> \(descriptors()) over 600 crashed instances")
        let memoryAfter = RunnerProcess.residentKiB(of: runner.processIdentifier)
        guard !Sanitizer.isActive else { return }  // Sanitizer.skipReason
        #expect(memoryAfter - memoryBefore < 1_024, "RSS \(memoryBefore) -> \(memoryAfter) KiB over 600 crashed instances")
    }

    /// Memory taken by large requests is given back: after ten 5 MB bodies at once the runner
    /// returns to within 20 MB of where it was (about 2 MB; glibc's default kept 63 MB for good).
    @Test(.disabled(if: Sanitizer.isActive, Comment(rawValue: Sanitizer.skipReason))) func givesBackTheMemoryOfLargeBodies() throws {
        let folder = try RunnerProcess.workspace()
        let (runner, port) = try RunnerProcess.start(in: folder, stderr: FileHandle.nullDevice)
        defer { runner.terminate(); runner.waitUntilExit() }
        let body = String(repeating: "1", count: 5 * 1024 * 1024)
        let request = "POST /misconfigured HTTP/1.1\r\nHost: t\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body
        func burst() -> Int {
            let answered = Locked(0), group = DispatchGroup()
            for _ in 0..<10 {
                group.enter()
                Thread {
                    defer { group.leave() }
                    guard let client = try? RawConnection(port: port) else { return }
                    client.send(request)
                    if client.readResponse() != nil { answered.withLock { $0 += 1 } }
                }.start()
            }
            group.wait()
            return answered.withLock { $0 }
        }
        let before = RunnerProcess.residentKiB(of: runner.processIdentifier)
        #expect(burst() == 10)
        #expect(burst() == 10)
        // Given back once the requests are over: kept memory would never come down.
        #expect(Eventually.holds { RunnerProcess.residentKiB(of: runner.processIdentifier) - before < 20 * 1024 },
                "RSS \(before) -> \(RunnerProcess.residentKiB(of: runner.processIdentifier)) KiB after 5 MB bodies")
    }
}
