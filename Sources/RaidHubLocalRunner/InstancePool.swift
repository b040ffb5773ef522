import Foundation

/// The warm instances of one function: reuses an idle one, starts another up to the limit, and
/// queues callers beyond it, as Lambda scales a function; replaces instances that crashed, timed
/// out, or whose executable was rebuilt.
public final class InstancePool: @unchecked Sendable {
    /// The function this pool runs.
    public let definition: FunctionDefinition
    private let log: LambdaLog
    private let lock = NSLock()
    private var idle: [FunctionInstance] = []
    private var running = 0
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
    public init(definition: FunctionDefinition, log: LambdaLog) {
        self.definition = definition
        self.log = log
    }

    /// Runs one invocation to its end; blocks while every instance is busy. `traceId` is the
    /// caller's `X-Amzn-Trace-Id` (a new one when nil), `clientContext` the Invoke API's.
    public func invoke(_ event: [UInt8], traceId: String? = nil, clientContext: String? = nil) -> InvocationResult {
        let requestId = UUID().uuidString.lowercased()
        let instance: FunctionInstance
        do {
            instance = try acquire()
        } catch {
            log.line("\(definition.logicalId): cannot start \(definition.executable.path): \(error)")
            return .crashed(exitStatus: -1, requestId: requestId)
        }
        log.line("START RequestId: \(requestId) Version: $LATEST")
        let (result, duration, initDuration) = instance.invoke(requestId: requestId, event: event, traceId: traceId, clientContext: clientContext)
        if case .timedOut(let seconds) = result {
            log.line("\(Self.timestamp()) \(requestId) Task timed out after \(seconds).00 seconds")
        }
        log.line("END RequestId: \(requestId)")
        log.line(Self.report(requestId: requestId, duration: duration, initDuration: initDuration,
                             memoryMB: definition.memoryMB, maxMemoryUsedMB: instance.maxMemoryUsedMB))
        release(instance, reusable: instance.isAlive && result.keepsInstance)
        return result
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

    private func currentStamp() -> ExecutableStamp? {
        let now = ContinuousClock.now
        if let stamp = lock.withLock({ stamp }), now - stamp.checkedAt < .milliseconds(500) { return stamp.value }
        let value = ExecutableStamp(definition.executable.path)
        lock.withLock { stamp = (value, now) }
        return value
    }

    private func acquire() throws -> FunctionInstance {
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
            waiter.wake.wait()
            guard let granted = lock.withLock({ stopped ? nil : waiter.grant ?? .start }) else { throw TemplateError("the runner is stopping") }
            grant = granted
        }
        if case .reuse(let instance) = grant {
            // A dead instance, or one of an older build, is replaced in the same slot.
            if instance.isAlive, instance.executableStamp == modified { return instance }
            forget(instance)
            instance.terminate()
        }
        do {
            let instance = try FunctionInstance(definition)
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
        var line = "REPORT RequestId: \(requestId)\tDuration: \(String(format: "%.2f", milliseconds)) ms\t"
            + "Billed Duration: \(max(1, Int(billed.rounded(.up)))) ms\tMemory Size: \(memoryMB) MB\tMax Memory Used: \(maxMemoryUsedMB) MB"
        if let initDuration { line += "\tInit Duration: \(String(format: "%.2f", initDuration.milliseconds)) ms" }
        return line
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
        case .initError, .crashed, .timedOut: false
        }
    }
}

extension Duration {
    var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}
