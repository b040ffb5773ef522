import Foundation

/// How a cost grows with the size of its input, measured within one run: a linear cost grows as
/// the size does, a quadratic one as its square. The machine's speed divides out of the ratio,
/// and each size is timed a few times with the fastest kept.
public enum Complexity {
    /// What a timing counts.
    public enum Clock {
        /// The calling thread's CPU time: work done on that thread, which other processes on a
        /// busy machine do not stretch (a wall-clock ratio went from 8 to 31 beside two busy loops).
        case threadCPU
        /// Elapsed time: for work done on other threads or processes (a server's, a function's).
        case wall
    }

    /// The time `work` takes for `size × factor` over its time for `size`, each the fastest of
    /// `tries`. Linear work gives about `factor`; quadratic work `factor²`.
    public static func growth(size: Int, factor: Int = 8, tries: Int = 3, clock: Clock = .threadCPU, _ work: (Int) -> Void) -> Double {
        func now() -> Double {
            var time = timespec()
            clock_gettime(clock == .threadCPU ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &time)
            return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
        }
        func fastest(_ size: Int) -> Double {
            (0..<tries).map { _ in
                let start = now()
                work(size)
                return now() - start
            }.min()!
        }
        let small = fastest(size)
        return fastest(size * factor) / max(small, 1e-6)
    }
}
