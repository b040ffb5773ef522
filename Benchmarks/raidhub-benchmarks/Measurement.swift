import Foundation

/// Times an operation as the best of several rounds: on a shared, noisy machine the fastest round
/// is the one least disturbed by other work, so it is the most repeatable figure.
struct Measurement {
    let name: String
    let nanosecondsPerOperation: Double

    /// Runs `operation` `iterations` times per round, for `rounds` rounds, after one warm-up round.
    static func best(
        _ name: String, iterations: Int, rounds: Int = 7, _ operation: () -> Void
    ) -> Measurement {
        let clock = ContinuousClock()
        var best = Duration.seconds(Int64.max)
        for round in 0...rounds {
            let elapsed = clock.measure {
                for _ in 0..<iterations { operation() }
            }
            if round > 0 { best = min(best, elapsed) }  // round 0 warms caches and branch predictors
        }
        let nanoseconds = Double(best.components.seconds) * 1e9 + Double(best.components.attoseconds) / 1e9
        return Measurement(name: name, nanosecondsPerOperation: nanoseconds / Double(iterations))
    }

    /// One aligned line: the name, ns/op, and MB/s when the name ends in a byte count ("... 64 B").
    var report: String {
        var line = name.padding(toLength: 28, withPad: " ", startingAt: 0)
            + String(format: "%10.0f ns/op", nanosecondsPerOperation)
        let words = name.split(separator: " ")
        if words.last == "B", words.count >= 2, let bytes = Double(words[words.count - 2]) {
            line += String(format: "%10.0f MB/s", bytes / nanosecondsPerOperation * 1e3)
        }
        return line
    }
}

/// Keeps the optimizer from deleting work whose result is otherwise unused.
@inline(never)
func consume<T>(_ value: T) {
    withExtendedLifetime(value) {}
}
