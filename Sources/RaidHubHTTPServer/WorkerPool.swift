import CLinuxThreads
import Foundation

/// At most `limit` threads running blocking jobs in arrival order. Threads start only when every
/// existing one is busy, so a server that rarely blocks (a Runtime API) never creates any.
public final class WorkerPool: @unchecked Sendable {
    private let limit: Int
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var head = 0
    private var threads = 0
    private var idle = 0
    private var stopping = false

    /// A pool of at most `limit` threads, none started yet.
    public init(limit: Int) {
        self.limit = limit
    }

    /// Runs `job` on a worker as soon as one is free.
    public func submit(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        defer { condition.unlock() }
        jobs.append(job)
        if idle > 0 {
            condition.signal()
        } else if threads < limit {
            threads += 1
            let thread = Thread { [self] in
                clinux_name_this_thread("http-worker")
                work()
            }
            thread.stackSize = 512 * 1024
            thread.start()
        }
    }

    /// Lets idle workers end; queued and running jobs still finish.
    public func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    private func work() {
        condition.lock()
        while true {
            if head < jobs.count {
                let job = jobs[head]
                head += 1
                if head == jobs.count { jobs.removeAll(keepingCapacity: true); head = 0 }
                condition.unlock()
                job()
                condition.lock()
                continue
            }
            if stopping { break }
            idle += 1
            condition.wait()
            idle -= 1
        }
        threads -= 1
        condition.unlock()
    }
}
