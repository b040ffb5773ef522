#if canImport(Glibc)
import Glibc
#endif

/// Where the time comes from: the system in production, a fixed instant in tests.
public protocol WallClock: Sendable {
    /// The current instant.
    func now() -> UnixTime
}

/// The system's real-time clock.
public struct SystemWallClock: WallClock {
    /// The system clock.
    public init() {}

    /// The current instant, to the millisecond.
    public func now() -> UnixTime {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return UnixTime(milliseconds: Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000)
    }
}

/// A clock that always reads the same instant, for tests and for reproducing a token exactly.
public struct FixedWallClock: WallClock {
    /// The instant it reads.
    public let instant: UnixTime

    /// A clock stopped at `instant`.
    public init(_ instant: UnixTime) {
        self.instant = instant
    }

    /// Always `instant`.
    public func now() -> UnixTime { instant }
}
