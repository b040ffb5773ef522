import Foundation
@testable import RaidHubLocalRunner
import Testing

/// The authorizer's decision cache under a client that sends a new identity with every request.
@Suite struct AuthorizerDecisionCacheTests {
    /// Dropping expired decisions is amortized: it used to filter every live entry on each store
    /// past 10,000, so 100,000 distinct tokens within one TTL took minutes; now well under a second
    /// in a release build (20 s here leaves room for a debug build on a busy machine).
    @Test func storesAHundredThousandIdentitiesInLinearTime() {
        let cache = AuthorizerDecisionCache()
        let decision = AuthorizerDecisionCache.Decision(isAuthorized: true, context: nil)
        let started = ContinuousClock.now
        for index in 0..<100_000 { cache.store(decision, for: ["Authorizer", "token-\(index)"], seconds: 300) }
        #expect(ContinuousClock.now - started < .seconds(20))
        #expect(cache.count == 100_000)
        #expect(cache.decision(for: ["Authorizer", "token-99999"])?.isAuthorized == true)
    }

    /// Expired decisions are not served, and are dropped once the cache has doubled since its
    /// last sweep: it holds at most about twice what one TTL saw.
    @Test func dropsExpiredDecisions() {
        let cache = AuthorizerDecisionCache()
        let decision = AuthorizerDecisionCache.Decision(isAuthorized: false, context: nil)
        for index in 0..<10_000 { cache.store(decision, for: ["old-\(index)"], seconds: 1) }
        Thread.sleep(forTimeInterval: 1.1)
        #expect(cache.decision(for: ["old-1"]) == nil)
        for index in 0..<10_001 { cache.store(decision, for: ["new-\(index)"], seconds: 300) }
        #expect(cache.count <= 10_001 + 1, "expired decisions kept: \(cache.count)")
    }
}
