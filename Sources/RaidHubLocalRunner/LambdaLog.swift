import Foundation

/// Where the runner writes Lambda's own log lines (START, END, REPORT, timeouts): stderr by
/// default, a collector in tests.
public struct LambdaLog: Sendable {
    private let write: @Sendable (String) -> Void

    /// A log that hands each line to `write`.
    public init(write: @escaping @Sendable (String) -> Void) {
        self.write = write
    }

    /// The runner's standard error.
    public static let standardError = LambdaLog { line in Console.error(line + "\n") }

    /// Writes one line.
    public func line(_ text: String) { write(text) }
}
