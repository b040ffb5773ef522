import Foundation
import RaidHubEmulation

/// One invocation a caller asked an `InstancePool` for, waiting for an instance or running on
/// one, and the caller's answer: given once, by the invocation, or by the caller's deadline
/// first (the function then runs on unseen, as on Lambda).
final class InvocationRequest: @unchecked Sendable {
    let event: [UInt8]
    /// Lambda's request id, in START, END and REPORT and for the Runtime API.
    let requestId = LocalIdentifier.uuid()
    /// The caller's `X-Amzn-Trace-Id`, or nil for a new one.
    let traceId: String?
    /// The Invoke API caller's client context.
    let clientContext: String?
    /// Where the invocation's log is also kept (`LogType: Tail`).
    let tail: LogTail?
    private let lock = NSLock()
    private var reply: (@Sendable (InvocationResult?) -> Void)?
    private var started = false
    private var deadlineAlarm: Timekeeper.Alarm?
    /// The caller's deadline, cancelled once it is answered or given up; set before the request
    /// is queued. Under the lock: its alarm can fire (a deadline already past) before the
    /// scheduling thread has stored it here, and one stored after the end is cancelled at once.
    var deadline: Timekeeper.Alarm? {
        get { lock.withLock { deadlineAlarm } }
        set {
            let ended = lock.withLock { () -> Bool in
                deadlineAlarm = newValue
                return reply == nil
            }
            if ended { newValue?.cancel() }
        }
    }
    /// Whether it went to a new instance already, its first one gone before taking it.
    var retried = false

    init(event: [UInt8], traceId: String?, clientContext: String?, tail: LogTail?, reply: @escaping @Sendable (InvocationResult?) -> Void) {
        self.event = event
        self.traceId = traceId
        self.clientContext = clientContext
        self.tail = tail
        self.reply = reply
    }

    /// Answers the caller, unless it was answered already.
    func answer(_ result: InvocationResult?) {
        let reply = lock.withLock { () -> (@Sendable (InvocationResult?) -> Void)? in
            defer { self.reply = nil }
            return self.reply
        }
        deadline?.cancel()
        reply?(result)
    }

    /// Marks it started on an instance; false when its caller already gave up waiting.
    func start() -> Bool {
        lock.withLock {
            started = reply != nil
            return started
        }
    }

    /// At the caller's deadline, or when the caller left: answers nil; true when it had not
    /// started (still waiting).
    func giveUp() -> Bool {
        let (reply, waiting) = lock.withLock { () -> ((@Sendable (InvocationResult?) -> Void)?, Bool) in
            defer { self.reply = nil }
            return (self.reply, !started)
        }
        // A caller that left is not waited for either: the deadline's alarm holds this request,
        // its event with it, until it is taken off the schedule.
        deadline?.cancel()
        reply?(nil)
        return reply != nil && waiting
    }
}
