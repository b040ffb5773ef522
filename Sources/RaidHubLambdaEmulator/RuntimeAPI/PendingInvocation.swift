import Foundation
import RaidHubEmulation

/// One event on its way through an instance's Runtime API: handed out by `/next`, completed by
/// `/response`, `/error`, `/init/error`, a crash or a timeout, whichever comes first.
final class PendingInvocation: @unchecked Sendable {
    let requestId: String
    let event: [UInt8]
    /// The function's Timeout: `Lambda-Runtime-Deadline-Ms` is this long after the invocation
    /// starts, which for a cold start is the end of init (its first `/next`), not the call.
    let timeoutMilliseconds: Int64
    /// `Lambda-Runtime-Deadline-Ms`, set when the event is first handed to the function.
    private var deadline: Int64?
    /// `Lambda-Runtime-Trace-Id`: the caller's `X-Amzn-Trace-Id`, or a new one in X-Ray's form.
    let traceId: String
    /// `Lambda-Runtime-Client-Context`: the Invoke API caller's client context, as JSON.
    let clientContext: String?
    private let lock = NSLock()
    private let done = DispatchSemaphore(value: 0)
    private var result: InvocationResult?
    /// Told how it ended, on the thread that ended it (see `onComplete`).
    private var completion: (@Sendable (InvocationResult) -> Void)?

    init(requestId: String, event: [UInt8], timeoutMilliseconds: Int64, traceId: String, clientContext: String? = nil) {
        self.requestId = requestId
        self.event = event
        self.timeoutMilliseconds = timeoutMilliseconds
        self.traceId = traceId
        self.clientContext = clientContext
    }

    /// `Lambda-Runtime-Deadline-Ms` for a hand-out at `now` (epoch milliseconds): the Timeout
    /// after the first hand-out; an event handed out again (its `/next` left) keeps it.
    func deadlineMilliseconds(handedOutAt now: Int64) -> Int64 {
        lock.withLock {
            if let deadline { return deadline }
            deadline = now + timeoutMilliseconds
            return now + timeoutMilliseconds
        }
    }

    /// Whether a `/next` was ever given the event: a runtime that exits before asking for it
    /// (one ending after its last answer) never saw it.
    var wasHandedOut: Bool { lock.withLock { deadline != nil } }

    /// Records how it ended; false when it had already ended (a second answer is refused).
    @discardableResult
    func complete(_ outcome: InvocationResult) -> Bool {
        let (first, completion) = lock.withLock { () -> (Bool, (@Sendable (InvocationResult) -> Void)?) in
            guard result == nil else { return (false, nil) }
            result = outcome
            defer { self.completion = nil }
            return (true, self.completion)
        }
        if first {
            done.signal()
            completion?(outcome)
        }
        return first
    }

    /// Runs `action` with the outcome once it ends (at once if it has), on the thread that ends
    /// it: the Runtime API's loop for an answer, the timekeeper for a timeout. No thread waits.
    func onComplete(_ action: @escaping @Sendable (InvocationResult) -> Void) {
        let ended = lock.withLock { () -> InvocationResult? in
            if result == nil { completion = action }
            return result
        }
        if let ended { action(ended) }
    }

    /// Waits until it ends, or `timeout` passes (then nil).
    func wait(timeout: DispatchTime) -> InvocationResult? {
        guard done.wait(timeout: timeout) == .success else { return nil }
        return lock.withLock { result }
    }

    var isComplete: Bool { lock.withLock { result != nil } }
}
