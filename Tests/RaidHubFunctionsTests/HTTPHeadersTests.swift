import RaidHubAPIGateway
import RaidHubTestSupport
import Testing

@Suite struct HTTPHeadersTests {
    @Test func looksUpNamesInAnyCaseAndJoinsRepeats() {
        let headers = HTTPHeaders([("Authorization", "Bearer a"), ("X-Custom", "1"), ("x-custom", "2"), ("Content-Type", "application/json")])
        #expect(headers["authorization"] == "Bearer a")
        #expect(headers["AUTHORIZATION"] == "Bearer a")
        #expect(headers["x-CUSTOM"] == "1,2")
        #expect(headers["authorizatio"] == nil)
        #expect(headers["content_type"] == nil, "only letters fold: '_' is not '-'")
        #expect(headers.all == ["authorization": "Bearer a", "x-custom": "1,2", "content-type": "application/json"])
    }

    /// An event with thousands of spellings of one header (anyone who can invoke a function
    /// directly can send one) is read in linear time: eight times the repeats cost about eight
    /// times as much (a new string per repeat, and for `all` a lookup per field, cost 71 times as
    /// much at an eighth of this size, and a minute).
    @Test(.disabled(if: Sanitizer.isActive, Comment(rawValue: Sanitizer.skipReason))) func joinsManyRepeatsInLinearTime() {
        let growth = Complexity.growth(size: 2_000) { repeats in
            let headers = HTTPHeaders((0..<repeats).map { ($0 % 2 == 0 ? "Authorization" : "authorization", "Bearer \($0)") })
            #expect(headers["authorization"]?.count ?? 0 > repeats * 8)
            #expect(headers.all.count == 1)
        }
        #expect(growth < 20, "8 times the repeats cost \(growth) times as much")
    }
}
