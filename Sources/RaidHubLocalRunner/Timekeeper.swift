import CLinuxEvents
import Foundation

/// Runs actions at deadlines on one thread of its own, so that an invocation waiting for its
/// function, or for an instance, holds no thread: a function's Timeout, API Gateway's
/// integration timeout. A cancelled alarm leaves the schedule at once, with what its action
/// captured (an event, a connection's responder): millions of invocations that end in time
/// leave nothing behind.
final class Timekeeper: @unchecked Sendable {
    /// One scheduled action; cancel it when what it guards against did not happen.
    final class Alarm: @unchecked Sendable {
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
        func cancel() {
            keeper.remove(self)
        }
    }

    /// The runner's: one thread for every pool, started with the first alarm.
    static let shared = Timekeeper()

    private let lock = NSLock()
    /// A binary min-heap on the deadline; every alarm knows its index, so cancelling is O(log n).
    private var heap: [Alarm] = []
    private var running = false
    private let wake = DispatchSemaphore(value: 0)

    /// Runs `action` at `deadline` (at once, on the timekeeper's thread, when it has passed).
    func schedule(at deadline: ContinuousClock.Instant, _ action: @escaping @Sendable () -> Void) -> Alarm {
        let alarm = Alarm(deadline: deadline, action: action, keeper: self)
        let (first, start) = lock.withLock { () -> (Bool, Bool) in
            alarm.index = heap.count
            heap.append(alarm)
            siftUp(heap.count - 1)
            defer { running = true }
            return (heap[0] === alarm, !running)
        }
        if start {
            let thread = Thread { [self] in
                clinux_name_this_thread("timekeeper")
                run()
            }
            thread.stackSize = 256 * 1024
            thread.start()
        } else if first {
            wake.signal()  // earlier than what the thread sleeps until
        }
        return alarm
    }

    /// Alarms scheduled and not yet run or cancelled.
    var scheduledCount: Int { lock.withLock { heap.count } }

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

    private func run() {
        while true {
            let now = ContinuousClock.now
            let (due, next) = lock.withLock { () -> ([@Sendable () -> Void], ContinuousClock.Instant?) in
                var due: [@Sendable () -> Void] = []
                while let first = heap.first, first.deadline <= now {
                    let last = heap.removeLast()
                    if last !== first {
                        heap[0] = last
                        last.index = 0
                        siftDown(0)
                    }
                    first.index = -1
                    if let action = first.action { due.append(action) }
                    first.action = nil
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
