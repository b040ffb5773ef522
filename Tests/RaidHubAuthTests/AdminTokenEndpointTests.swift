import RaidHubAuth
import Testing

@Suite struct AdminTokenEndpointTests {
    let endpoint = AuthTestFixtures.adminEndpoint

    func respond(_ text: String) -> APIResponse { endpoint.respond(to: Array(text.utf8)) }

    @Test func mintsAOneHourAdminToken() throws {
        let response = respond(#"{"bungieMembershipId":"12345678","adminClientSecret":"\#(AuthTestFixtures.adminClientSecret)"}"#)
        #expect(response.status == 200)
        let inner = try #require(try AuthTestFixtures.json(response)["response"] as? [String: Any])
        #expect(inner["expires"] as? String == "2024-03-04T00:30:00.000Z")
        let token = try #require(inner["value"] as? String)
        let claims = try RaidHubTokenVerifier(keys: AuthTestFixtures.keys).verify(token, now: AuthTestFixtures.now)
        #expect(claims.isAdmin)
        #expect(claims.destinyMembershipIds.isEmpty)
        #expect(claims.expiresAt - claims.issuedAt == 3600)
    }

    @Test func refusesTheUserClientSecret() {
        let response = respond(#"{"bungieMembershipId":"1","adminClientSecret":"\#(AuthTestFixtures.clientSecret)"}"#)
        #expect(response.status == 403)
        #expect(response.bodyText.hasSuffix(#""code":"InvalidClientSecretError","error":{}}"#))
    }

    @Test(arguments: [
        (#"{"adminClientSecret":"s"}"#, #"["bungieMembershipId"]"#, "invalid_type"),
        (#"{"bungieMembershipId":"1"}"#, #"["adminClientSecret"]"#, "invalid_type"),
        (#"{"bungieMembershipId":"1","clientSecret":"s"}"#, #"["adminClientSecret"]"#, "invalid_type"),
        (#"{"bungieMembershipId":1,"adminClientSecret":"s"}"#, #"["bungieMembershipId"]"#, "invalid_type"),
        (#"{"bungieMembershipId":"1n","adminClientSecret":"s"}"#, #"["bungieMembershipId"]"#, "invalid_string"),
        (#"{"bungieMembershipId":"0","adminClientSecret":"s"}"#, #"["bungieMembershipId"]"#, "too_small"),
        (#"{"bungieMembershipId":"1","adminClientSecret":false}"#, #"["adminClientSecret"]"#, "invalid_type"),
        (#"{"bungieMembershipId":"1","adminClientSecret":"s","adminClientSecret":"s"}"#, #"["adminClientSecret"]"#, "duplicate_key"),
        (#"not json"#, "[]", "invalid_json"),
    ])
    func refusesInvalidBodies(body: String, path: String, code: String) throws {
        let response = respond(body)
        #expect(response.status == 400)
        let issues = try AuthTestFixtures.issues(response)
        #expect(issues.map(\.path) == [path])
        #expect(issues.map(\.code) == [code])
    }
}
