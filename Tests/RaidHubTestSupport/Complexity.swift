import Foundation

/// How a cost grows with the size of its input, measured within one run: a linear cost grows as
/// the size does, a quadratic one as its square. The machine's speed and load divide out of the
/// ratio, and each size is timed a few times with the fastest kept, so a busy moment during one
/// timing does not count against the code.
public enum Complexity {
    /// The time `work` takes for `size × factor` over its time for `size`, each the fastest of
    /// `tries`. Linear work gives about `factor`; quadratic work `factor²`.
    public static func growth(size: Int, factor: Int = 8, tries: Int = 3, _ work: (Int) -> Void) -> Double {
        func fastest(_ size: Int) -> Double {
            (0..<tries).map { _ in
                let start = ContinuousClock.now
                work(size)
                let elapsed = ContinuousClock.now - start
                return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            }.min()!
        }
        let small = fastest(size)
        return fastest(size * factor) / max(small, 1e-6)
    }
}
