import Foundation

/// Waiting for what another thread or process does. Tests assert what happens and in what order,
/// never how fast: the patience here is long enough that only a broken build exhausts it, on a
/// machine as busy as it gets.
public enum Eventually {
    /// The default patience: a minute.
    public static let patience = Duration.seconds(60)

    /// Polls `condition` every few milliseconds until it holds; false if it still does not after
    /// `patience`.
    @discardableResult
    public static func holds(patience: Duration = Eventually.patience, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = ContinuousClock.now + patience
        while true {
            if try condition() { return true }
            if ContinuousClock.now >= deadline { return false }
            usleep(5_000)
        }
    }
}
