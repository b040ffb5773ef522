import Foundation
import RaidHubEmulation
import RaidHubTemplate

/// The Invoke API's `Event` invocations, accepted (202) and not yet run: Lambda's asynchronous
/// queue. Each function's events run oldest first, at most as many at a time as it may have
/// instances, so a queued event holds no thread and no place in the pool's own queue (whose
/// bound throttles callers that wait). An event throttled by the function's reserved concurrency
/// waits and is tried again a second later, as Lambda retries it; one that fails (an error, a
/// crash, a timeout, an instance that could not start) is tried twice more, one and two seconds
/// later, as Lambda retries it twice (a minute and two apart). Once accepted, an event runs,
/// unless the runner stops first. Beyond `limit` events or `byteLimit` bytes, nothing is accepted
/// (Lambda's 429), so no 202 is given for an event that cannot be kept.
final class AsyncInvocationQueue: @unchecked Sendable {
    /// The most events waiting or running, across functions.
    static let limit = 10_000
    /// The most bytes of their payloads (each at most Lambda's 1 MB `Event` limit).
    static let byteLimit = 64 << 20
    /// How long a throttled event waits before it is tried again.
    static let retryDelay = Duration.seconds(1)

    private struct Event {
        let function: String
        let payload: [UInt8]
        let traceId: String?
        /// Tries that ended in a failure (throttles do not count).
        var failures = 0
    }

    private let runner: LambdaEmulator
    private let lock = NSLock()
    /// Per function, its events not yet handed to its pool, oldest first.
    private var waiting: [String: [Event]] = [:]
    /// Per function, its events handed to its pool and not yet ended.
    private var running: [String: Int] = [:]
    private var count = 0
    private var bytes = 0

    /// A queue whose events `runner` runs.
    init(runner: LambdaEmulator) {
        self.runner = runner
    }

    /// Keeps `payload` for `function` (a name the template has) and starts it when the function
    /// has room; false when the queue is full and the event was not kept.
    func accept(_ payload: [UInt8], for function: SAMTemplate.Function, traceId: String?) -> Bool {
        let admitted = lock.withLock { () -> Bool in
            guard count < Self.limit, bytes + payload.count <= Self.byteLimit else { return false }
            count += 1
            bytes += payload.count
            waiting[function.logicalId, default: []].append(Event(function: function.logicalId, payload: payload, traceId: traceId))
            return true
        }
        if admitted { startWaiting(function.logicalId) }
        return admitted
    }

    /// Events waiting or running, across functions.
    var pendingCount: Int { lock.withLock { count } }

    /// Hands `function`'s oldest waiting events to its pool while it has instances to spare.
    private func startWaiting(_ function: String) {
        guard let definition = runner.template.function(named: function), let pool = try? runner.pool(for: definition) else {
            dropAll(function)
            return
        }
        let room = pool.definition.maximumInstances
        let started = lock.withLock { () -> [Event] in
            var started: [Event] = []
            while running[function, default: 0] < room, let next = waiting[function]?.first {
                waiting[function]?.removeFirst()
                if waiting[function]?.isEmpty == true { waiting[function] = nil }
                running[function, default: 0] += 1
                started.append(next)
            }
            return started
        }
        for event in started {
            pool.invoke(event.payload, traceId: event.traceId, clientContext: nil, answerBy: nil) { [self] result in
                ended(event, result ?? .timedOut(seconds: pool.definition.timeoutSeconds))
            }
        }
    }

    /// After `event` ran, or was turned away: a throttled event goes back to the head of its
    /// function's queue and is tried again after `retryDelay`; a failed one likewise, after one
    /// and then two seconds, at most twice.
    private func ended(_ event: Event, _ result: InvocationResult) {
        var event = event
        let delay: Duration?
        switch result {
        case .response: delay = nil
        case .throttled, .queueFull: delay = Self.retryDelay
        default:
            event.failures += 1
            delay = event.failures <= 2 ? Self.retryDelay * event.failures : nil
            if delay == nil { runner.say("\(event.function): an Event invocation failed three times and is let go, as Lambda lets it go") }
        }
        lock.withLock {
            running[event.function, default: 1] -= 1
            if delay != nil {
                waiting[event.function, default: []].insert(event, at: 0)
            } else {
                count -= 1
                bytes -= event.payload.count
            }
        }
        let function = event.function
        if let delay {
            runner.timekeeper.schedule(after: delay) { [self] in startWaiting(function) }
        } else {
            startWaiting(function)
        }
    }

    /// A function whose pool cannot be had (its executable is gone): its waiting events are
    /// said and let go, as Lambda sends an event it cannot run to its failure destination.
    private func dropAll(_ function: String) {
        let dropped = lock.withLock { () -> Int in
            let events = waiting.removeValue(forKey: function) ?? []
            count -= events.count
            bytes -= events.reduce(0) { $0 + $1.payload.count }
            return events.count
        }
        if dropped > 0 { runner.say("\(function): \(dropped) queued Event invocations dropped: the function cannot start") }
    }
}
