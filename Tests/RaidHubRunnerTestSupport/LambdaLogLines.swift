import Foundation
import RaidHubLambdaEmulator
import RaidHubTestSupport
import Testing

/// The lines a Lambda emulator under test writes, kept for the test to read and wait on.
package final class LambdaLogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    /// An empty record.
    package init() {}

    /// Every line so far.
    package var all: [String] { lock.withLock { lines } }
    /// The log to give the emulator: each line it writes is kept here.
    package var log: LambdaLog { LambdaLog { line in self.lock.withLock { self.lines.append(line) } } }
    /// How many lines start with `prefix`.
    package func count(_ prefix: String) -> Int { all.filter { $0.hasPrefix(prefix) }.count }
    /// How many lines contain `text`.
    package func countContaining(_ text: String) -> Int { all.filter { $0.contains(text) }.count }

    /// Waits until `text` has been written `count` times (a function says it took an event).
    package func waitFor(_ text: String, count: Int = 1, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(Eventually.holds { countContaining(text) >= count }, "'\(text)' written \(countContaining(text)) times, not \(count)",
                sourceLocation: sourceLocation)
    }
}
