import Foundation

/// The warm instances of one function: reuses an idle one, starts another up to the limit, and
/// queues callers beyond it, as Lambda scales a function; replaces instances that crashed, timed
/// out, or whose executable was rebuilt.
public final class InstancePool: @unchecked Sendable {
    /// The function this pool runs.
    public let definition: FunctionDefinition
    private let log: LambdaLog
    private let runnerLog: RunnerLog
    private let lock = NSLock()
    private var idle: [FunctionInstance] = []
    private var running = 0
    /// Invocations running or waiting, counted against the reserved concurrency.
    private var admitted = 0
    /// Callers waiting for an instance, oldest first. A released instance is handed straight to
    /// the oldest: a condition variable wakes an arbitrary waiter, and under load that left some
    /// requests waiting many turns (the p99 of docs/benchmarks.md).
    private var waiters: [Waiter] = []
    /// Every live instance, busy or idle, so shutdown can stop them all.
    private var instances: [ObjectIdentifier: FunctionInstance] = [:]
    private var stopped = false
    /// The executable's stamp, looked at no more than every half second: a `stat` per request
    /// is file-system work on the hot path, and a rebuild is noticed soon enough.
    private var stamp: (value: ExecutableStamp?, checkedAt: ContinuousClock.Instant)?

    /// What a caller is given: a warm instance, or a slot to start one in.
    private enum Grant {
        case reuse(FunctionInstance)
        case start
    }

    /// One blocked caller; `grant` is set before `wake` is signalled.
    private final class Waiter: @unchecked Sendable {
        let wake = DispatchSemaphore(value: 0)
        var grant: Grant?
    }

    /// A pool for `definition` that writes Lambda's log lines to `log`.
    public init(definition: FunctionDefinition, log: LambdaLog, runnerLog: RunnerLog = .silent) {
        self.definition = definition
        self.log = log
        self.runnerLog = runnerLog
    }

    /// Starts an instance and keeps it idle, warm for the first call (`--warm-containers EAGER`).
    public func startInstance() throws {
        guard let instance = try acquire(by: nil) else { return }
        passOn(.reuse(instance))
    }

    /// Runs one invocation to its end; blocks while every instance is busy. `traceId` is the
    /// caller's `X-Amzn-Trace-Id` (a new one when nil), `clientContext` the Invoke API's.
    /// With `tail`, the invocation's log is also kept there.
    public func invoke(_ event: [UInt8], traceId: String? = nil, clientContext: String? = nil, tail: LogTail? = nil) -> InvocationResult {
        // Without a deadline the caller never gives up, so there is always a result.
        invoke(event, traceId: traceId, clientContext: clientContext, answerBy: nil, tail: tail) ?? .timedOut(seconds: definition.timeoutSeconds)
    }

    /// Runs one invocation for a caller that gives up at `deadline` (API Gateway's integration
    /// timeout): nil when the deadline came first, while waiting for an instance or while the
    /// function ran (it then runs on to its end unseen, as on Lambda).
    public func invoke(_ event: [UInt8], traceId: String?, clientContext: String?, answerBy deadline: ContinuousClock.Instant?,
                       tail: LogTail? = nil) -> InvocationResult? {
        guard admit() else {
            log.line("\(definition.logicalId): throttled: its ReservedConcurrentExecutions (\(definition.reservedConcurrency ?? 0)) are all in use")
            return .throttled
        }
        let requestId = LocalIdentifier.uuid()
        let acquired: FunctionInstance?
        do {
            acquired = try acquire(by: deadline)
        } catch {
            leave()
            log.line("\(definition.logicalId): cannot start \(definition.executable.path): \(error)")
            return .crashed(exitStatus: -1, requestId: requestId)
        }
        guard let instance = acquired else {
            leave()
            return nil
        }
        guard let deadline, ContinuousClock.now + instance.longestInvocation > deadline else {
            return run(event, on: instance, requestId: requestId, traceId: traceId, clientContext: clientContext, tail: tail)
        }
        // The caller may give up before the function ends: run it on a thread of its own (only
        // then, since a thread per request would cost every request) and wait until the deadline.
        final class Outcome: @unchecked Sendable {
            let done = DispatchSemaphore(value: 0)
            var result: InvocationResult?
        }
        let outcome = Outcome()
        Thread { [self] in
            outcome.result = run(event, on: instance, requestId: requestId, traceId: traceId, clientContext: clientContext, tail: tail)
            outcome.done.signal()
        }.start()
        return outcome.done.wait(timeout: deadline.dispatchTime) == .success ? outcome.result : nil
    }

    /// One invocation on an instance the caller holds, with Lambda's START, END and REPORT lines.
    private func run(_ event: [UInt8], on instance: FunctionInstance, requestId: String, traceId: String?, clientContext: String?,
                     tail: LogTail?) -> InvocationResult {
        defer { leave() }
        let say = { (line: String) in
            self.log.line(line)
            tail?.append((line + "\n").utf8)
        }
        say("START RequestId: \(requestId) Version: $LATEST")
        instance.output.keep(in: tail)
        let (result, duration, initDuration) = instance.invoke(requestId: requestId, event: event, traceId: traceId, clientContext: clientContext)
        instance.output.flush()
        instance.output.keep(in: nil)
        if case .timedOut(let seconds) = result {
            say("\(Self.timestamp()) \(requestId) Task timed out after \(seconds).00 seconds")
        }
        say("END RequestId: \(requestId)")
        say(Self.report(requestId: requestId, duration: duration, initDuration: initDuration,
                        memoryMB: definition.memoryMB, maxMemoryUsedMB: instance.maxMemoryUsedMB))
        release(instance, reusable: instance.isAlive && result.keepsInstance)
        return result
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
        let (stopping, waiting) = lock.withLock { () -> ([FunctionInstance], [Waiter]) in
            stopped = true
            defer { idle.removeAll(); instances.removeAll(); waiters.removeAll() }
            return (Array(instances.values), waiters)
        }
        waiting.forEach { $0.wake.signal() }  // each finds the pool stopped
        stopping.forEach { $0.terminateAndWait() }
    }

    /// Looks at the executable again on the next request (it was just rebuilt).
    func forgetExecutableStamp() {
        lock.withLock { stamp = nil }
    }

    private func currentStamp() -> ExecutableStamp? {
        let now = ContinuousClock.now
        if let stamp = lock.withLock({ stamp }), now - stamp.checkedAt < .milliseconds(500) { return stamp.value }
        let value = ExecutableStamp(definition.executable.path)
        lock.withLock { stamp = (value, now) }
        return value
    }

    /// An instance for one invocation: an idle one, a new one, or the next released one; nil when
    /// `deadline` passes first.
    private func acquire(by deadline: ContinuousClock.Instant?) throws -> FunctionInstance? {
        let modified = currentStamp()
        let waiter = Waiter()
        let immediate: Grant? = lock.withLock {
            if stopped { return nil }
            if waiters.isEmpty {
                if let instance = idle.popLast() { return .reuse(instance) }
                if running < definition.maximumInstances {
                    running += 1
                    return .start
                }
            }
            waiters.append(waiter)
            return nil
        }
        if lock.withLock({ stopped }) { throw TemplateError("the runner is stopping") }
        let grant: Grant
        if let immediate {
            grant = immediate
        } else {
            if let deadline {
                guard waiter.wake.wait(timeout: deadline.dispatchTime) == .success else {
                    abandon(waiter)
                    return nil
                }
            } else {
                waiter.wake.wait()
            }
            guard let granted = lock.withLock({ stopped ? nil : waiter.grant ?? .start }) else { throw TemplateError("the runner is stopping") }
            grant = granted
        }
        if case .reuse(let instance) = grant {
            // A dead instance, or one of an older build, is replaced in the same slot.
            if instance.isAlive, instance.executableStamp == modified { return instance }
            runnerLog.debug("\(definition.logicalId): replacing an instance: " + (instance.isAlive ? "its executable was rebuilt" : "it exited"))
            forget(instance)
            instance.terminate()
        }
        do {
            let instance = try FunctionInstance(definition, output: log)
            runnerLog.debug("\(definition.logicalId): started an instance, pid \(instance.processIdentifier) (\(definition.executable.lastPathComponent))")
            let accepted = lock.withLock { () -> Bool in
                guard !stopped else { return false }
                instances[ObjectIdentifier(instance)] = instance
                return true
            }
            guard accepted else {
                instance.terminateAndWait()
                throw TemplateError("the runner is stopping")
            }
            return instance
        } catch {
            passOn(.start)
            throw error
        }
    }

    /// A waiter whose caller gave up: out of the queue, or, when an instance (or a slot) reached
    /// it at that very moment, that grant handed on to the next caller.
    private func abandon(_ waiter: Waiter) {
        let handedOver = lock.withLock { () -> Bool in
            guard let index = waiters.firstIndex(where: { $0 === waiter }) else { return !stopped }
            waiters.remove(at: index)
            return false
        }
        guard handedOver else { return }
        waiter.wake.wait()  // the grant is set before the wake-up, which is on its way
        passOn(waiter.grant ?? .start)
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

    /// Gives a released instance (or its slot) to the oldest waiter; with none waiting, keeps the
    /// instance warm, or frees the slot.
    private func passOn(_ grant: Grant) {
        let woken: Waiter? = lock.withLock {
            if !waiters.isEmpty {
                let first = waiters.removeFirst()
                first.grant = grant
                return first
            }
            if case .reuse(let instance) = grant { idle.append(instance) } else { running -= 1 }
            return nil
        }
        woken?.wake.signal()
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

    /// Now, as Lambda stamps its timeout line.
    private static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }
}

extension InvocationResult {
    /// Whether the instance may serve again: not after a crash, a timeout or an init error.
    var keepsInstance: Bool {
        switch self {
        case .response, .functionError: true
        case .initError, .crashed, .timedOut, .throttled: false
        }
    }
}

extension Duration {
    var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}

extension ContinuousClock.Instant {
    /// The same moment for Dispatch's waits (the past is now).
    var dispatchTime: DispatchTime {
        let left = self - .now
        guard left > .zero else { return .now() }
        return .now() + .nanoseconds(Int(left.components.seconds) * 1_000_000_000 + Int(left.components.attoseconds / 1_000_000_000))
    }
}
