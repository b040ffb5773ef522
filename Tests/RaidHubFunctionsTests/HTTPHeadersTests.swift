import RaidHubAPIGateway
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
}
