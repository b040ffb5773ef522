import Foundation
@testable import RaidHubAPIGatewayEmulator
@testable import RaidHubEmulation
import RaidHubTestSupport
import Testing

/// The authorizer's decision cache, on manual time, under a client that sends a new identity
/// with every request.
@Suite struct AuthorizerDecisionCacheTests {
    /// Dropping expired decisions is amortized: it used to filter every live entry on each store
    /// past 10,000, so 100,000 distinct tokens within one TTL took minutes. Eight times the
    /// tokens cost about eight times as much (quadratic work would cost 64 times as much).
    @Test(.disabled(if: Sanitizer.isActive, Comment(rawValue: Sanitizer.skipReason))) func storesManyIdentitiesInLinearTime() {
        let decision = AuthorizerDecisionCache.Decision(isAuthorized: true, context: nil)
        let growth = Complexity.growth(size: 15_000) { size in
            let cache = AuthorizerDecisionCache(timekeeper: .manual())
            for index in 0..<size { cache.store(decision, for: ["Authorizer", "token-\(index)"], seconds: 300) }
        }
        #expect(growth < 24, "8 times the identities cost \(growth) times as much")
        let cache = AuthorizerDecisionCache(timekeeper: .manual())
        for index in 0..<100_000 { cache.store(decision, for: ["Authorizer", "token-\(index)"], seconds: 300) }
        #expect(cache.count == 100_000)
        #expect(cache.decision(for: ["Authorizer", "token-99999"])?.isAuthorized == true)
    }

    /// Expired decisions are not served, and are dropped once the cache has doubled since its
    /// last sweep: it holds at most about twice what one TTL saw.
    @Test func dropsExpiredDecisions() {
        let time = Timekeeper.manual()
        let cache = AuthorizerDecisionCache(timekeeper: time)
        let decision = AuthorizerDecisionCache.Decision(isAuthorized: false, context: nil)
        for index in 0..<10_000 { cache.store(decision, for: ["old-\(index)"], seconds: 1) }
        time.advance(by: .milliseconds(999))
        #expect(cache.decision(for: ["old-1"]) != nil, "kept for its TTL")
        time.advance(by: .milliseconds(1))
        #expect(cache.decision(for: ["old-2"]) == nil)
        for index in 0..<10_001 { cache.store(decision, for: ["new-\(index)"], seconds: 300) }
        #expect(cache.count <= 10_001 + 1, "expired decisions kept: \(cache.count)")
    }
}
