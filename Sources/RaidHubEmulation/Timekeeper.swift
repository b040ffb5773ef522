import CLinuxThreads
import Foundation

/// The runner's time: the instant now (for deadlines and durations), the wall clock (for the
/// dates in events, headers and log lines), and alarms that run an action at a deadline, so that
/// an invocation waiting for its function, or for an instance, holds no thread: a function's
/// Timeout, its init budget, API Gateway's integration timeout.
///
/// `Timekeeper()` keeps real time, its alarms fired by one thread of its own; `manual()` keeps
/// a time that moves only when a test calls `advance(by:)`, which fires what falls due on the
/// caller's thread, so a test of a deadline never races the machine's load. A cancelled alarm
/// leaves the schedule at once, with what its action captured (an event, a connection's
/// responder): millions of invocations that end in time leave nothing behind.
public final class Timekeeper: @unchecked Sendable {
    /// One scheduled action; cancel it when what it guards against did not happen.
    public final class Alarm: @unchecked Sendable {
        fileprivate let deadline: ContinuousClock.Instant
        fileprivate var action: (@Sendable () -> Void)?
        /// Its place in the heap; -1 once it has run or been cancelled.
        fileprivate var index = -1
        private unowned let keeper: Timekeeper

        fileprivate init(deadline: ContinuousClock.Instant, action: @escaping @Sendable () -> Void, keeper: Timekeeper) {
            self.deadline = deadline
            self.action = action
            self.keeper = keeper
        }

        /// Takes the alarm off the schedule; its action will not run (unless it is running now).
        public func cancel() {
            keeper.remove(self)
        }
    }

    /// A manual time's reading: the instant and the wall clock it stands at.
    private struct ManualReading {
        var now: ContinuousClock.Instant
        var wallMilliseconds: Int64
    }

    private let lock = NSLock()
    /// A binary min-heap on the deadline; every alarm knows its index, so cancelling is O(log n).
    private var heap: [Alarm] = []
    /// nil: real time. Otherwise the time a test moves.
    private var manual: ManualReading?
    private var threadStarted = false
    private let wake = DispatchSemaphore(value: 0)

    /// Real time; its thread starts with the first alarm.
    public init() {}

    private init(manual: ManualReading) {
        self.manual = manual
    }

    /// A time that stands still until `advance(by:)`, starting at `wallMilliseconds` on the wall
    /// clock (2023-11-14T22:13:20Z by default).
    public static func manual(wallMilliseconds: Int64 = 1_700_000_000_000) -> Timekeeper {
        Timekeeper(manual: ManualReading(now: .now, wallMilliseconds: wallMilliseconds))
    }

    /// The instant now.
    public var now: ContinuousClock.Instant {
        lock.withLock { manual?.now } ?? .now
    }

    /// Milliseconds since 1970 on the wall clock.
    public var wallMilliseconds: Int64 {
        if let manual = lock.withLock({ manual }) { return manual.wallMilliseconds }
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }

    /// Runs `action` at `deadline` (at once when it has passed: on the timekeeper's thread in
    /// real time, on the next `advance` in manual time).
    @discardableResult
    public func schedule(at deadline: ContinuousClock.Instant, _ action: @escaping @Sendable () -> Void) -> Alarm {
        let alarm = Alarm(deadline: deadline, action: action, keeper: self)
        let (first, startThread) = lock.withLock { () -> (Bool, Bool) in
            alarm.index = heap.count
            heap.append(alarm)
            siftUp(heap.count - 1)
            let start = manual == nil && !threadStarted
            if start { threadStarted = true }
            return (heap[0] === alarm, start)
        }
        if startThread {
            let thread = Thread { [self] in
                clinux_name_this_thread("timekeeper")  // for /proc, perf and debuggers
                run()
            }
            thread.stackSize = 256 * 1024
            thread.start()
        } else if first {
            wake.signal()  // earlier than what the thread sleeps until
        }
        return alarm
    }

    /// Runs `action` `delay` from now.
    @discardableResult
    public func schedule(after delay: Duration, _ action: @escaping @Sendable () -> Void) -> Alarm {
        schedule(at: now + delay, action)
    }

    /// Manual time only: moves the time forward by `duration`, running every alarm that falls
    /// due on the way, earliest first, each at its own deadline, on the caller's thread.
    public func advance(by duration: Duration) {
        precondition(lock.withLock { manual } != nil, "advance(by:) moves manual time only")
        let target = lock.withLock { manual!.now } + duration
        while true {
            let action = lock.withLock { () -> (@Sendable () -> Void)?? in
                guard let first = heap.first, first.deadline <= target else { return .none }
                moveManualTime(to: first.deadline)
                return .some(popFirst())
            }
            guard let action else { break }
            action?()
        }
        lock.withLock { moveManualTime(to: target) }
    }

    /// Alarms scheduled and not yet run or cancelled.
    public var scheduledCount: Int { lock.withLock { heap.count } }

    /// Moves manual time (the caller holds the lock); never backwards.
    private func moveManualTime(to instant: ContinuousClock.Instant) {
        guard let reading = manual, instant > reading.now else { return }
        let elapsed = instant - reading.now
        manual = ManualReading(now: instant, wallMilliseconds: reading.wallMilliseconds + elapsed.components.seconds * 1000
                                + elapsed.components.attoseconds / 1_000_000_000_000_000)
    }

    private func remove(_ alarm: Alarm) {
        lock.withLock {
            let index = alarm.index
            guard index >= 0 else { return }
            let last = heap.removeLast()
            if last !== alarm {
                heap[index] = last
                last.index = index
                siftDown(index)
                siftUp(index)
            }
            alarm.index = -1
            alarm.action = nil
        }
    }

    /// Takes the earliest alarm off the heap and returns its action (the caller holds the lock).
    private func popFirst() -> (@Sendable () -> Void)? {
        let first = heap[0]
        let last = heap.removeLast()
        if last !== first {
            heap[0] = last
            last.index = 0
            siftDown(0)
        }
        first.index = -1
        defer { first.action = nil }
        return first.action
    }

    private func run() {
        while true {
            let now = ContinuousClock.now
            let (due, next) = lock.withLock { () -> ([@Sendable () -> Void], ContinuousClock.Instant?) in
                var due: [@Sendable () -> Void] = []
                while let first = heap.first, first.deadline <= now {
                    if let action = popFirst() { due.append(action) }
                }
                return (due, heap.first?.deadline)
            }
            due.forEach { $0() }
            if let next {
                _ = wake.wait(timeout: next.dispatchTime)
            } else {
                wake.wait()
            }
        }
    }

    private func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].deadline < heap[parent].deadline else { return }
            swapAt(child, parent)
            child = parent
        }
    }

    private func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].deadline < heap[smallest].deadline { smallest = left }
            if right < heap.count, heap[right].deadline < heap[smallest].deadline { smallest = right }
            guard smallest != parent else { return }
            swapAt(parent, smallest)
            parent = smallest
        }
    }

    private func swapAt(_ a: Int, _ b: Int) {
        heap.swapAt(a, b)
        heap[a].index = a
        heap[b].index = b
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

extension Duration {
    /// The duration in milliseconds, with their fraction: log lines' `Duration: 12.34 ms`.
    package var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}
