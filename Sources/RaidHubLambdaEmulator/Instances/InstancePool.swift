import Foundation
import RaidHubEmulation
import RaidHubHTTPServer
import RaidHubLambda
import RaidHubTemplate
import RaidHubTime

/// The warm instances of one function: reuses an idle one, starts another up to the limit, and
/// queues callers beyond it, as Lambda scales a function; replaces instances that crashed, timed
/// out, or whose executable was rebuilt.
///
/// A call to a warm instance holds no thread while the function runs or while it waits for an
/// instance: it ends on the thread that ends it (the Runtime API's loop, the timekeeper's at a
/// deadline). Only starting an instance and its cold start, which block, run on a worker.
public final class InstancePool: @unchecked Sendable {
    /// The function this pool runs.
    public let definition: FunctionDefinition
    private let log: LambdaLog
    private let runnerLog: RunnerLog
    private let timekeeper: Timekeeper
    /// Starts instances and runs cold starts: at most one per instance.
    private let workers: WorkerPool
    private let lock = NSLock()
    private var idle: [FunctionInstance] = []
    private var running = 0
    /// Invocations running or waiting, counted against the reserved concurrency.
    private var admitted = 0
    /// Requests waiting for an instance, oldest first; a released instance goes to the oldest.
    private var waiters: [InvocationRequest] = []
    /// The bytes of the events waiting in `waiters`.
    private var waitingBytes = 0
    /// Every live instance, busy or idle, so shutdown can stop them all.
    private var instances: [ObjectIdentifier: FunctionInstance] = [:]
    private var stopped = false
    /// The executable's stamp, looked at no more than every half second: a `stat` per request
    /// is file-system work on the hot path, and a rebuild is noticed soon enough.
    private var stamp: (value: ExecutableStamp?, checkedAt: ContinuousClock.Instant)?

    /// What a call is given: a warm instance, or a slot to start one in.
    private enum Grant {
        case reuse(FunctionInstance)
        case start
    }

    /// A pool for `definition` that writes Lambda's log lines to `log`, on `timekeeper`'s time
    /// (its deadlines, durations and dates).
    public init(definition: FunctionDefinition, log: LambdaLog, runnerLog: RunnerLog = .silent, timekeeper: Timekeeper) {
        self.definition = definition
        self.log = log
        self.runnerLog = runnerLog
        self.timekeeper = timekeeper
        self.workers = WorkerPool(limit: max(1, definition.maximumInstances))
    }

    /// Callers waiting for an instance.
    public var waitingCount: Int { lock.withLock { waiters.count } }

    /// Starts an instance and keeps it idle, warm for the first call (`--warm-containers EAGER`).
    public func startInstance() throws {
        let slot = lock.withLock { () -> Bool in
            guard !stopped, running < definition.maximumInstances else { return false }
            running += 1
            return true
        }
        guard slot else { return }
        do {
            passOn(.reuse(try launch()))
        } catch {
            passOn(.start)
            throw error
        }
    }

    /// Runs one invocation to its end; blocks while every instance is busy. `traceId` is the
    /// caller's `X-Amzn-Trace-Id` (a new one when nil), `clientContext` the Invoke API's.
    /// With `tail`, the invocation's log is also kept there.
    public func invoke(_ event: [UInt8], traceId: String? = nil, clientContext: String? = nil, tail: LogTail? = nil) -> InvocationResult {
        // Without a deadline the caller never gives up, so there is always a result.
        invoke(event, traceId: traceId, clientContext: clientContext, answerBy: nil, tail: tail) ?? .timedOut(seconds: definition.timeoutSeconds)
    }

    /// Runs one invocation for a caller that gives up at `deadline`, blocking until then: see
    /// the non-blocking `invoke`.
    public func invoke(_ event: [UInt8], traceId: String?, clientContext: String?, answerBy deadline: ContinuousClock.Instant?,
                       tail: LogTail? = nil) -> InvocationResult? {
        waitForCompletion { invoke(event, traceId: traceId, clientContext: clientContext, answerBy: deadline, tail: tail, completion: $0) }
    }

    /// Runs one invocation for a caller that gives up at `deadline` (API Gateway's integration
    /// timeout) and returns at once: `completion` gets how it ended, or nil when the deadline
    /// came first, while waiting for an instance or while the function ran (it then runs on to
    /// its end unseen, as on Lambda). When the call waits for an instance, returns what
    /// withdraws it if it still waits (its caller left: no function runs for nobody, and the
    /// event's memory is let go); `completion` then gets nil.
    @discardableResult
    public func invoke(_ event: [UInt8], traceId: String?, clientContext: String?, answerBy deadline: ContinuousClock.Instant?,
                       tail: LogTail? = nil, completion: @escaping @Sendable (InvocationResult?) -> Void) -> (@Sendable () -> Void)? {
        guard event.count <= RuntimeAPI.maximumRequestByteCount else {
            log.line("\(definition.logicalId): the event is \(event.count) bytes, over Lambda's limit of \(RuntimeAPI.maximumRequestByteCount): "
                + "refused before any instance saw it, as Lambda refuses it")
            completion(.requestTooLarge(byteCount: event.count))
            return nil
        }
        guard admit() else {
            log.line("\(definition.logicalId): throttled: its ReservedConcurrentExecutions (\(definition.reservedConcurrency ?? 0)) are all in use")
            completion(.throttled)
            return nil
        }
        let call = InvocationRequest(event: event, traceId: traceId, clientContext: clientContext, tail: tail, reply: completion)
        if let deadline {
            call.deadline = timekeeper.schedule(at: deadline) { [self] in
                if call.giveUp(), withdraw(call) { leave() }
            }
        }
        let modified = currentStamp()
        enum Decision { case granted(Grant), queued, full, stopped }
        let decision = lock.withLock { () -> Decision in
            if stopped { return .stopped }
            if waiters.isEmpty {
                if let instance = idle.popLast() { return .granted(.reuse(instance)) }
                if running < definition.maximumInstances {
                    running += 1
                    return .granted(.start)
                }
            }
            guard waiters.count < Self.maximumWaiting, waitingBytes + event.count <= Self.maximumWaitingBytes else { return .full }
            waiters.append(call)
            waitingBytes += event.count
            return .queued
        }
        switch decision {
        case .granted(let grant): granted(grant, to: call, stamp: modified)
        case .queued: return { [self] in if call.giveUp(), withdraw(call) { leave() } }
        case .full:
            leave()
            log.line("\(definition.logicalId): throttled: \(Self.maximumWaiting) calls or \(Self.maximumWaitingBytes >> 20) MiB of events already wait for its instances")
            call.answer(.queueFull)
        case .stopped: refuse(call)
        }
        return nil
    }

    /// The most calls that wait for a function's instances; more are throttled (Lambda's 429).
    static let maximumWaiting = 1_000
    /// The most event bytes that wait for a function's instances: what queued calls may hold.
    static let maximumWaitingBytes = 64 << 20

    /// The oldest waiting call, out of the queue (the caller holds the lock).
    private func dequeueOldest() -> InvocationRequest? {
        guard !waiters.isEmpty else { return nil }
        let call = waiters.removeFirst()
        waitingBytes -= call.event.count
        return call
    }

    /// Starts `call` on what it was granted: at once on a warm instance; on a worker when an
    /// instance must be started (starting a process blocks).
    private func granted(_ grant: Grant, to call: InvocationRequest, stamp modified: ExecutableStamp?) {
        guard call.start() else {
            // Its caller gave up at this very moment: the grant goes to the next one.
            passOn(grant)
            leave()
            return
        }
        if case .reuse(let instance) = grant, instance.isAlive, instance.isWarm, instance.executableStamp == modified {
            return run(call, on: instance)
        }
        workers.submit { [self] in
            let instance: FunctionInstance
            do {
                instance = try replacement(for: grant, stamp: modified)
            } catch {
                return couldNotStart(call, error)
            }
            run(call, on: instance)
        }
    }

    /// A call whose instance could not be started: its slot goes to the next caller, and it
    /// ends as a crash, with the reason in the log.
    private func couldNotStart(_ call: InvocationRequest, _ error: any Error) {
        passOn(.start)
        leave()
        log.line("\(definition.logicalId): cannot start \(definition.executable.path): \(error)")
        call.answer(.crashed(exitStatus: -1, requestId: call.requestId))
    }

    /// The instance to run on: the granted one while it is alive and current, or a new one.
    private func replacement(for grant: Grant, stamp modified: ExecutableStamp?) throws -> FunctionInstance {
        if case .reuse(let instance) = grant {
            // A dead instance, or one of an older build, is replaced in the same slot.
            if instance.isAlive, instance.executableStamp == modified { return instance }
            runnerLog.debug("\(definition.logicalId): replacing an instance: " + (instance.isAlive ? "its executable was rebuilt" : "it exited"))
            forget(instance)
            instance.terminate()
        }
        return try launch()
    }

    /// Starts a new instance and counts it live (the caller holds a slot for it).
    private func launch() throws -> FunctionInstance {
        let instance = try FunctionInstance(definition, output: log, timekeeper: timekeeper)
        runnerLog.debug("\(definition.logicalId): started an instance, pid \(instance.processIdentifier) (\(definition.executable.lastPathComponent))")
        let accepted = lock.withLock { () -> Bool in
            guard !stopped else { return false }
            instances[ObjectIdentifier(instance)] = instance
            return true
        }
        guard accepted else {
            instance.terminateAndWait()
            throw LambdaEmulatorError("the runner is stopping")
        }
        return instance
    }

    /// One invocation on an instance, ended by the Runtime API's loop, the timekeeper or the exit.
    private func run(_ call: InvocationRequest, on instance: FunctionInstance) {
        begin(call, on: instance)
        instance.invoke(requestId: call.requestId, event: call.event, traceId: call.traceId, clientContext: call.clientContext) { [self] outcome in
            end(call, on: instance, outcome)
        }
    }

    /// Lambda's START line (once, a retry on a new instance says nothing more); the function's
    /// output is kept in the call's tail from here on.
    private func begin(_ call: InvocationRequest, on instance: FunctionInstance) {
        if !call.retried { say(["START RequestId: \(call.requestId) Version: $LATEST"], call) }
        instance.output.keep(in: call.tail)
    }

    /// Lambda's END and REPORT lines, the instance back to the pool, the caller answered.
    private func end(_ call: InvocationRequest, on instance: FunctionInstance, _ outcome: FunctionInstance.Outcome) {
        let result = outcome.result
        if outcome.neverDelivered, !call.retried {
            // Its runtime exited before asking for the event (one that ends after each answer):
            // the call goes to a new instance in the same slot, as Lambda starts a new runtime.
            call.retried = true
            runnerLog.debug("\(definition.logicalId): the instance exited before taking the event; starting another for it")
            forget(instance)
            instance.terminate()
            workers.submit { [self] in
                do {
                    run(call, on: try launch())
                } catch {
                    couldNotStart(call, error)
                }
            }
            return
        }
        instance.output.flush()
        instance.output.keep(in: nil)
        var lines: [String] = []
        if case .timedOut(let seconds) = result {
            lines.append("\(UnixTime(milliseconds: timekeeper.wallMilliseconds).iso8601) \(call.requestId) Task timed out after \(seconds).00 seconds")
        }
        lines.append("END RequestId: \(call.requestId)")
        lines.append(Self.report(requestId: call.requestId, duration: outcome.duration, initDuration: outcome.initDuration,
                                 memoryMB: definition.memoryMB, maxMemoryUsedMB: instance.maxMemoryUsedMB))
        say(lines, call)
        release(instance, reusable: instance.isAlive && result.keepsInstance)
        leave()
        call.answer(result)
    }

    private func say(_ lines: [String], _ call: InvocationRequest) {
        log.lines(lines)
        for line in lines { call.tail?.append((line + "\n").utf8) }
    }

    /// A call the stopping pool cannot take.
    private func refuse(_ call: InvocationRequest) {
        leave()
        log.line("\(definition.logicalId): cannot start \(definition.executable.path): the runner is stopping")
        call.answer(.crashed(exitStatus: -1, requestId: call.requestId))
    }

    /// Counts an invocation against the reserved concurrency; false when it is all in use. An
    /// invocation waiting for a local instance counts too: on Lambda it would be running.
    private func admit() -> Bool {
        lock.withLock {
            if let reserved = definition.reservedConcurrency, admitted >= reserved { return false }
            admitted += 1
            return true
        }
    }

    private func leave() {
        lock.withLock { admitted -= 1 }
    }

    /// Stops every instance, busy ones too (their invocations end as crashed), and waits until
    /// each process has exited; later invocations fail at once.
    public func shutdown() {
        let (stopping, waiting) = lock.withLock { () -> ([FunctionInstance], [InvocationRequest]) in
            stopped = true
            defer { idle.removeAll(); instances.removeAll(); waiters.removeAll(); waitingBytes = 0 }
            return (Array(instances.values), waiters)
        }
        waiting.forEach(refuse)
        stopping.forEach { $0.terminateAndWait() }
        workers.stop()
    }

    /// Looks at the executable again on the next request (it was just rebuilt).
    func forgetExecutableStamp() {
        lock.withLock { stamp = nil }
    }

    private func currentStamp() -> ExecutableStamp? {
        let now = timekeeper.now
        if let stamp = lock.withLock({ stamp }), now - stamp.checkedAt < .milliseconds(500) { return stamp.value }
        let value = ExecutableStamp(definition.executable.path)
        lock.withLock { stamp = (value, now) }
        return value
    }

    /// Takes a call whose caller gave up out of the queue; false when it was no longer there
    /// (a grant reached it at that moment, and `granted` hands it on).
    private func withdraw(_ call: InvocationRequest) -> Bool {
        lock.withLock {
            guard let index = waiters.firstIndex(where: { $0 === call }) else { return false }
            waiters.remove(at: index)
            waitingBytes -= call.event.count
            return true
        }
    }

    private func forget(_ instance: FunctionInstance) {
        lock.withLock { _ = instances.removeValue(forKey: ObjectIdentifier(instance)) }
    }

    private func release(_ instance: FunctionInstance, reusable: Bool) {
        if !reusable {
            forget(instance)
            instance.terminate()
        }
        passOn(reusable ? .reuse(instance) : .start)
    }

    /// Gives a released instance (or its slot) to the oldest waiting call; with none waiting,
    /// keeps the instance warm, or frees the slot.
    private func passOn(_ grant: Grant) {
        let woken: InvocationRequest? = lock.withLock {
            if !stopped, let oldest = dequeueOldest() { return oldest }
            if case .reuse(let instance) = grant, !stopped { idle.append(instance) } else { running -= 1 }
            return nil
        }
        if let woken { granted(grant, to: woken, stamp: currentStamp()) }
    }

    /// `REPORT RequestId: …\tDuration: X.XX ms\tBilled Duration: N ms\tMemory Size: M MB\tMax Memory Used: U MB[\tInit Duration: X.XX ms]`.
    /// Billed Duration includes the init of a cold start: Lambda bills it for custom runtimes and
    /// container images, which these functions are.
    static func report(requestId: String, duration: Duration, initDuration: Duration?, memoryMB: Int, maxMemoryUsedMB: Int) -> String {
        let milliseconds = duration.milliseconds
        let billed = milliseconds + (initDuration?.milliseconds ?? 0)
        var line = "REPORT RequestId: \(requestId)\tDuration: \(hundredths(milliseconds)) ms\t"
            + "Billed Duration: \(max(1, Int(billed.rounded(.up)))) ms\tMemory Size: \(memoryMB) MB\tMax Memory Used: \(maxMemoryUsedMB) MB"
        if let initDuration { line += "\tInit Duration: \(hundredths(initDuration.milliseconds)) ms" }
        return line
    }

    /// `12.34`: two decimals, without String(format:), which cost more than the rest of the line.
    private static func hundredths(_ value: Double) -> String {
        let scaled = Int((value * 100).rounded())
        let fraction = scaled % 100
        return "\(scaled / 100)." + (fraction < 10 ? "0" : "") + "\(fraction)"
    }

}

extension InvocationResult {
    /// Whether the instance may serve again: not after a crash, a timeout or an init error.
    var keepsInstance: Bool {
        switch self {
        case .response, .functionError: true
        case .initError, .crashed, .timedOut, .throttled, .queueFull, .requestTooLarge: false
        }
    }
}
