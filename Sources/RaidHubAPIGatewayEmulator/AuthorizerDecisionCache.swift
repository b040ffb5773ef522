import Foundation
import RaidHubEmulation
import RaidHubJSON

/// API Gateway's cache of Lambda authorizer decisions: keyed on the authorizer and the values
/// of its identity sources, kept `ReauthorizeEvery` seconds; denials are cached like allows.
final class AuthorizerDecisionCache: @unchecked Sendable {
    /// What the authorizer answered.
    struct Decision: Sendable {
        let isAuthorized: Bool
        let context: JSONValue?
    }

    private struct Entries {
        var decisions: [[String]: (decision: Decision, expires: ContinuousClock.Instant)] = [:]
        /// The size at which expired entries are dropped next: twice what the last sweep kept,
        /// so a client sending a new identity with every request costs amortized O(1), not a
        /// sweep of every live entry per request.
        var sweepAt = 10_000
    }

    private let lock = NSLock()
    private var entries = Entries()
    private let timekeeper: Timekeeper

    /// An empty cache whose decisions expire on `timekeeper`'s time.
    init(timekeeper: Timekeeper) {
        self.timekeeper = timekeeper
    }

    /// A cached decision for `key` that has not expired.
    func decision(for key: [String]) -> Decision? {
        let now = timekeeper.now
        return lock.withLock {
            guard let entry = entries.decisions[key] else { return nil }
            guard now < entry.expires else {
                entries.decisions[key] = nil
                return nil
            }
            return entry.decision
        }
    }

    /// Keeps `decision` for `seconds` (not at all when 0); expired entries go now and then, so
    /// the cache holds at most about twice what the last TTL saw.
    func store(_ decision: Decision, for key: [String], seconds: Int) {
        guard seconds > 0 else { return }
        let now = timekeeper.now
        lock.withLock {
            if entries.decisions.count >= entries.sweepAt {
                entries.decisions = entries.decisions.filter { $0.value.expires > now }
                entries.sweepAt = max(10_000, 2 * entries.decisions.count)
            }
            entries.decisions[key] = (decision, now + .seconds(seconds))
        }
    }

    /// How many decisions it holds, expired ones not yet dropped included.
    var count: Int { lock.withLock { entries.decisions.count } }
}
