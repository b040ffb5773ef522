import Glibc

/// A value only one thread at a time may use: the server's and the runner's shared state.
///
/// Not Synchronization's `Mutex`: on Linux its lock is taken inside the Swift runtime's own
/// library, which is built without ThreadSanitizer, so TSan never sees the lock and reports
/// every access it guards as a race. A pthread mutex is one TSan intercepts, so what it
/// reports here is real (CI runs the server and runner suites under it).
public final class Locked<Value: Sendable>: @unchecked Sendable {
    private var value: Value
    // Allocated once and never moved: a pthread mutex must stay at the address it was made at.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    /// `value`, guarded from now on.
    public init(_ value: Value) {
        self.value = value
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with the value while holding the lock; what `body` returns is returned.
    public func withLock<Result, Failure: Error>(_ body: (inout Value) throws(Failure) -> Result) throws(Failure) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
