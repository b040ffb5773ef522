import Glibc

/// A value only one thread at a time may use: the server's and the runner's shared state.
///
/// Not Synchronization's `Mutex`: on Linux its lock is taken inside the Swift runtime's own
/// library, which is built without ThreadSanitizer, so TSan never sees the lock and reports
/// every access it guards as a race. A pthread mutex is one TSan intercepts, so what it
/// reports here is real (CI runs the server and runner suites under it).
public final class Locked<Value: Sendable>: @unchecked Sendable {
    @usableFromInline var value: Value
    // Allocated once and never moved: a pthread mutex must stay at the address it was made at.
    @usableFromInline let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    /// `value`, guarded from now on.
    public init(_ value: Value) {
        self.value = value
        // Adaptive: a thread that finds it held spins a little before sleeping, as the lock is
        // held for a few instructions (a plain one sleeps at once: start-api lost 15 % to it).
        var attributes = pthread_mutexattr_t()
        pthread_mutexattr_init(&attributes)
        pthread_mutexattr_settype(&attributes, Int32(PTHREAD_MUTEX_ADAPTIVE_NP))
        pthread_mutex_init(mutex, &attributes)
        pthread_mutexattr_destroy(&attributes)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with the value while holding the lock; what `body` returns is returned.
    @inlinable
    public func withLock<Result, Failure: Error>(_ body: (inout Value) throws(Failure) -> Result) throws(Failure) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
