import Foundation
import RaidHubChildProcess
import RaidHubEmulation

/// One warm instance: the function's executable, started with its own emulated Runtime API, as
/// Lambda starts a sandbox. Serves one invocation at a time.
final class FunctionInstance: @unchecked Sendable {
    let definition: FunctionDefinition
    /// The executable's modification time when started: a rebuilt executable gets new instances.
    let executableStamp: ExecutableStamp?
    private let runtimeAPI: EmulatedRuntimeAPI
    private let process: ChildProcess
    /// Its stdout and stderr, copied to the runner's stderr.
    let output: FunctionOutput
    private let timekeeper: Timekeeper
    private let launchedAt: ContinuousClock.Instant
    private let lock = NSLock()
    private var pending: PendingInvocation?
    private var exitStatus: Int32?
    private var hasServed = false
    /// /proc/PID/status, opened on first use (see `maxMemoryUsedMB`).
    private var statusDescriptor: Int32 = -1

    /// Starts the executable; its stdout and stderr go through `output` to the runner's stderr.
    init(_ definition: FunctionDefinition, output log: LambdaLog = .standardError, timekeeper: Timekeeper) throws {
        self.definition = definition
        self.timekeeper = timekeeper
        launchedAt = timekeeper.now
        executableStamp = ExecutableStamp(definition.executable.path)
        // The output pipe first: if it cannot be made, nothing else is left behind (a Runtime
        // API started before it stayed for the life of the runner).
        let output = try FunctionOutput(log: log)
        self.output = output
        runtimeAPI = EmulatedRuntimeAPI(functionARN: definition.functionARN, timekeeper: timekeeper)
        let address: String
        do { address = try runtimeAPI.start() } catch {
            output.started()  // closes the write end, and the reader ends with the pipe
            throw error
        }
        // lldb-server starts the function stopped, and runs it when a debugger says so.
        let (executable, arguments) = definition.debugger.map {
            ($0.path, ["gdbserver"] + $0.arguments + ["127.0.0.1:\($0.port)", "--", definition.executable.path])
        } ?? (definition.executable.path, [])
        defer { output.started() }
        do {
            // What the process starts goes with it when it exits, as when Lambda resets an
            // environment whose runtime exited: a child left holding the output pipe would keep
            // its reader for ever.
            process = try ChildProcess(executable: executable, arguments: arguments, environment: definition.instanceEnvironment(runtimeAPI: address),
                                       output: output.writeEnd, error: output.writeEnd, endsGroupOnExit: true)
        } catch {
            runtimeAPI.stop()
            throw error
        }
        // Weakly: the process is the instance's, not the other way round.
        process.onExit { [weak self] status in self?.exited(status) }
        runtimeAPI.serveOnly(processTree: process.processIdentifier)
    }

    deinit {
        if statusDescriptor >= 0 { close(statusDescriptor) }
    }

    /// Its process id.
    var processIdentifier: Int32 { process.processIdentifier }

    /// Whether it can take another invocation.
    var isAlive: Bool { lock.withLock { exitStatus == nil } }

    /// Lambda's budget for the init phase (a cold start's code before its first `/next`).
    static let initBudget = Duration.seconds(10)

    /// Init's budget for this instance: an hour under a debugger, which waits for someone to attach.
    private var initBudget: Duration { definition.debugger == nil ? Self.initBudget : .seconds(3600) }

    /// Whether it has served an invocation: a warm instance, whose next one has no init phase.
    var isWarm: Bool { lock.withLock { hasServed } }

    /// How one invocation ended, as its pool reports it.
    struct Outcome: Sendable {
        let result: InvocationResult
        /// From the moment the function had the event (after init on a cold start) to its end.
        let duration: Duration
        /// The init phase, on a cold start.
        let initDuration: Duration?
        /// A warm instance's process was gone before its runtime asked for the event: the call
        /// may go to a new instance, as Lambda gives it a fresh runtime (a "suppressed init").
        var neverDelivered = false
    }

    /// Runs one invocation without holding a thread: `completion` gets its outcome on the thread
    /// that ended it (the Runtime API's loop for an answer, the timekeeper's at a deadline, the
    /// exit watch for a crash). The Timeout starts when the function has the event: at once on a
    /// warm instance, at the end of init (its first `/next`) on a cold start, whose init has a
    /// budget of its own, as on Lambda; an init that overruns it gets the Timeout from then.
    func invoke(requestId: String, event: [UInt8], traceId: String?, clientContext: String?,
                completion: @escaping @Sendable (Outcome) -> Void) {
        let invocation = PendingInvocation(
            requestId: requestId, event: event, timeoutMilliseconds: Int64(definition.timeoutSeconds) * 1000,
            traceId: traceId ?? LocalIdentifier.traceId(seconds: Int(timekeeper.wallMilliseconds / 1000)), clientContext: clientContext)
        let enqueued = timekeeper.now
        let timeout = Duration.seconds(definition.timeoutSeconds)
        let alarms = InvocationAlarms()
        let cold = lock.withLock { () -> Bool in
            defer { hasServed = true }
            return !hasServed
        }
        invocation.onComplete { [self] result in
            alarms.cancelAll()
            finish(result)
            let firstNext = runtimeAPI.firstNextAt
            let handedOut = cold ? max(enqueued, firstNext ?? enqueued) : enqueued
            var outcome = Outcome(result: result, duration: timekeeper.now - handedOut, initDuration: cold ? firstNext.map { $0 - launchedAt } : nil)
            // A warm runtime gone before asking for the event: it ended after its last answer.
            if case .crashed = result, !cold, !invocation.wasHandedOut { outcome.neverDelivered = true }
            completion(outcome)
        }
        let expire: @Sendable () -> Void = { [self] in timeOut(invocation) }
        if cold {
            alarms.set(\.initBudget, timekeeper.schedule(at: launchedAt + initBudget) { [timekeeper] in
                alarms.set(\.timeout, timekeeper.schedule(after: timeout, expire))
            })
            runtimeAPI.onInitEnd { [timekeeper] firstNext in
                alarms.initBudget?.cancel()
                alarms.set(\.timeout, timekeeper.schedule(at: max(enqueued, firstNext) + timeout, expire))
            }
        } else {
            alarms.set(\.timeout, timekeeper.schedule(at: enqueued + timeout, expire))
        }
        begin(invocation)
    }

    /// Hands one invocation to the function; it ends through the Runtime API, a crash, or
    /// `timeOut`.
    private func begin(_ invocation: PendingInvocation) {
        lock.withLock { pending = invocation }
        // The instance may have failed before this invocation reached it.
        if let report = runtimeAPI.reportedInitError {
            invocation.complete(.initError(report: report))
        } else if let status = lock.withLock({ exitStatus }) {
            invocation.complete(.crashed(exitStatus: status, requestId: invocation.requestId))
        }
        runtimeAPI.enqueue(invocation)
    }

    /// After an invocation ended: the instance is free, and gone after an init error.
    private func finish(_ result: InvocationResult) {
        lock.withLock { pending = nil }
        if case .initError = result { terminate() }
    }

    /// Ends `invocation` as timed out and kills the process: in that order, since killing first
    /// let the termination handler record a crash (502) before the timeout (504) when many
    /// instances timed out at once.
    private func timeOut(_ invocation: PendingInvocation) {
        if invocation.complete(.timedOut(seconds: definition.timeoutSeconds)) { terminate() }
    }

    /// Peak resident memory so far, in MB (Linux `VmHWM`), as Lambda's REPORT line gives it.
    /// /proc/PID/status stays open and is read again from its start: one `pread`, where opening
    /// it (and Foundation's file reading before that) cost more than the function itself. The
    /// kernel renders the whole file for it (signal masks, capabilities), so under load the
    /// reading is reused for 100 ms: a peak only grows, and a warm instance's barely moves.
    var maxMemoryUsedMB: Int {
        lock.lock()
        defer { lock.unlock() }
        let now = timekeeper.now
        if let last = memoryReading, now - last.at < .milliseconds(100) { return last.megabytes }
        let megabytes = readPeakMemory()
        memoryReading = (megabytes, now)
        return megabytes
    }

    /// The last `VmHWM` read, and when.
    private var memoryReading: (megabytes: Int, at: ContinuousClock.Instant)?

    /// `VmHWM` from /proc/PID/status, in MB (the caller holds the lock).
    private func readPeakMemory() -> Int {
        // Not after the exit: `exited` has closed it for good, and one opened now (the REPORT
        // of an instance that just died) was never closed, a descriptor per crashed instance.
        if statusDescriptor < 0, exitStatus == nil {
            statusDescriptor = open("/proc/\(process.processIdentifier)/status", O_RDONLY | O_CLOEXEC)
        }
        guard statusDescriptor >= 0 else { return 0 }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 4096) { buffer -> Int in
            let count = pread(statusDescriptor, buffer.baseAddress, buffer.count, 0)
            guard count > 0 else { return 0 }
            let text = UnsafeBufferPointer(rebasing: buffer[0..<count])
            let key = Array("\nVmHWM:".utf8)
            var index = 0
            while index + key.count <= text.count {
                if text[index..<(index + key.count)].elementsEqual(key) {
                    var kilobytes = 0
                    for byte in text[(index + key.count)...] {
                        if byte == 0x20 || byte == 0x09 { continue }
                        guard byte >= 0x30, byte <= 0x39 else { break }
                        kilobytes = kilobytes * 10 + Int(byte - 0x30)
                    }
                    return (kilobytes + 1023) / 1024
                }
                index += 1
            }
            return 0
        }
    }

    /// Kills the process and what it started (timeout, shutdown), as Lambda ends the whole
    /// execution environment; a waiting invocation ends as crashed.
    func terminate() {
        if process.isRunning {
            process.signalGroup(SIGKILL)
            process.signal(SIGKILL)
        }
        runtimeAPI.stop()
    }

    /// Kills the process and waits until it has exited and been reaped: no orphan, no zombie.
    func terminateAndWait() {
        terminate()
        reaped.wait()
        reaped.signal()  // a latch: any later wait returns at once
    }

    /// Signalled once the process has exited and been reaped (`exited` has run).
    private let reaped = DispatchSemaphore(value: 0)

    private func exited(_ status: Int32) {
        let waiting = lock.withLock { () -> PendingInvocation? in
            exitStatus = status
            if statusDescriptor >= 0 { close(statusDescriptor); statusDescriptor = -1 }
            return pending
        }
        // An init error posted just before exiting wins over the exit itself.
        if let report = runtimeAPI.reportedInitError { waiting?.complete(.initError(report: report)) }
        if let waiting { waiting.complete(.crashed(exitStatus: status, requestId: waiting.requestId)) }
        runtimeAPI.stop()
        reaped.signal()
    }
}

/// An invocation's pending alarms (its init budget, its Timeout), set from the threads that
/// schedule them and cancelled together when it ends; one set after that is cancelled at once.
private final class InvocationAlarms: @unchecked Sendable {
    private let lock = NSLock()
    private var alarms = Alarms()
    private var ended = false

    struct Alarms {
        var initBudget: Timekeeper.Alarm?
        var timeout: Timekeeper.Alarm?
    }

    var initBudget: Timekeeper.Alarm? { lock.withLock { alarms.initBudget } }

    /// Puts `alarm` in `slot`, cancelling the one it replaces (or `alarm` itself, once ended).
    func set(_ slot: WritableKeyPath<Alarms, Timekeeper.Alarm?>, _ alarm: Timekeeper.Alarm) {
        let replaced = lock.withLock { () -> Timekeeper.Alarm? in
            if ended { return alarm }
            defer { alarms[keyPath: slot] = alarm }
            return alarms[keyPath: slot]
        }
        replaced?.cancel()
    }

    func cancelAll() {
        let all = lock.withLock { () -> [Timekeeper.Alarm?] in
            ended = true
            defer { alarms = Alarms() }
            return [alarms.initBudget, alarms.timeout]
        }
        all.forEach { $0?.cancel() }
    }
}
