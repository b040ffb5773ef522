import Foundation
import RaidHubJSON
import Synchronization

/// API Gateway's cache of Lambda authorizer decisions: keyed on the authorizer and the values
/// of its identity sources, kept `ReauthorizeEvery` seconds; denials are cached like allows.
final class AuthorizerDecisionCache: Sendable {
    /// What the authorizer answered.
    struct Decision: Sendable {
        let isAuthorized: Bool
        let context: JSONValue?
    }

    private let entries = Mutex<[[String]: (decision: Decision, expires: ContinuousClock.Instant)]>([:])

    /// A cached decision for `key` that has not expired.
    func decision(for key: [String]) -> Decision? {
        entries.withLock { entries in
            guard let entry = entries[key] else { return nil }
            guard ContinuousClock.now < entry.expires else {
                entries[key] = nil
                return nil
            }
            return entry.decision
        }
    }

    /// Keeps `decision` for `seconds` (not at all when 0); expired entries go at the same time,
    /// so the cache holds at most what the last TTL saw.
    func store(_ decision: Decision, for key: [String], seconds: Int) {
        guard seconds > 0 else { return }
        let now = ContinuousClock.now
        entries.withLock { entries in
            if entries.count > 10_000 { entries = entries.filter { $0.value.expires > now } }
            entries[key] = (decision, now + .seconds(seconds))
        }
    }
}
