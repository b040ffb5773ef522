import Glibc

/// A value only one thread at a time may use: the server's and the runner's shared state.
///
/// Not Synchronization's `Mutex`: on Linux its lock is taken inside the Swift runtime's own
/// library, which is built without ThreadSanitizer, so TSan never sees the lock and reports
/// every access it guards as a race. A pthread mutex is one TSan intercepts, so what it
/// reports here is real (CI runs the server and runner suites under it).
///
/// A copy shares the value and the lock (they live in one buffer), as a class would; the value
/// and the mutex are one allocation, since the server makes one of these per request.
public struct Locked<Value: Sendable>: @unchecked Sendable {
    @usableFromInline let storage: LockedStorage<Value>

    /// `value`, guarded from now on.
    public init(_ value: Value) {
        storage = LockedStorage.make(value)
    }

    /// Runs `body` with the value while holding the lock; what `body` returns is returned.
    @inlinable
    public func withLock<Result, Failure: Error>(_ body: (inout Value) throws(Failure) -> Result) throws(Failure) -> Result {
        let outcome = storage.withUnsafeMutablePointers { value, mutex -> Swift.Result<Result, Failure> in
            pthread_mutex_lock(mutex)
            defer { pthread_mutex_unlock(mutex) }
            do throws(Failure) { return .success(try body(&value.pointee)) } catch { return .failure(error) }
        }
        return try outcome.get()
    }
}

/// `Locked`'s buffer: the value as its header, the mutex as its one element, which never moves
/// (a pthread mutex must stay at the address it was made at).
@usableFromInline
final class LockedStorage<Value>: ManagedBuffer<Value, pthread_mutex_t> {
    static func make(_ value: Value) -> LockedStorage {
        let storage = unsafeDowncast(create(minimumCapacity: 1) { _ in value }, to: LockedStorage.self)
        storage.withUnsafeMutablePointerToElements { mutex in
            // Adaptive: a thread that finds it held spins a little before sleeping, as the lock
            // is held for a few instructions (a plain one sleeps at once: start-api lost 15 % to it).
            var attributes = pthread_mutexattr_t()
            pthread_mutexattr_init(&attributes)
            pthread_mutexattr_settype(&attributes, Int32(PTHREAD_MUTEX_ADAPTIVE_NP))
            pthread_mutex_init(mutex, &attributes)
            pthread_mutexattr_destroy(&attributes)
        }
        return storage
    }

    deinit {
        // The header (the value) is destroyed by ManagedBuffer itself; the element is ours.
        withUnsafeMutablePointerToElements { mutex in _ = pthread_mutex_destroy(mutex) }
    }
}
