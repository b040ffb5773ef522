import Foundation
import RaidHubAuth
import RaidHubJWT
import Testing

@Suite struct UserTokenEndpointTests {
    let endpoint = AuthTestFixtures.userEndpoint
    let secret = AuthTestFixtures.clientSecret

    func body(_ text: String) -> [UInt8] { Array(text.utf8) }

    func validBody(ids: String = #"["4611686018488107374"]"#, bungie: String = #""12345678""#) -> [UInt8] {
        body(#"{"bungieMembershipId":\#(bungie),"destinyMembershipIds":\#(ids),"clientSecret":"\#(secret)"}"#)
    }

    @Test func mintsAThirtyDayTokenInTheSuccessEnvelope() throws {
        let response = endpoint.respond(to: validBody())
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "application/json")
        let json = try AuthTestFixtures.json(response)
        #expect(json["minted"] as? String == "2024-03-03T23:30:00.123Z")
        #expect(json["success"] as? Bool == true)
        let inner = try #require(json["response"] as? [String: Any])
        #expect(inner["expires"] as? String == "2024-04-02T23:30:00.000Z")
        let token = try #require(inner["value"] as? String)
        let claims = try RaidHubTokenVerifier(keys: AuthTestFixtures.keys).verify(token, now: AuthTestFixtures.now)
        #expect(claims.bungieMembershipId.description == "12345678")
        #expect(claims.destinyMembershipIds.map(\.description) == ["4611686018488107374"])
        #expect(!claims.isAdmin)
        #expect(claims.issuedAt == 1_709_508_600)
        #expect(claims.expiresAt == 1_709_508_600 + 2_592_000)
        // Key order of the envelope is part of the contract.
        #expect(response.bodyText.hasPrefix(#"{"minted":"2024-03-03T23:30:00.123Z","success":true,"response":{"value":"eyJ"#))
    }

    @Test func canonicalisesIdsAndDropsDuplicatesKeepingOrder() throws {
        let response = endpoint.respond(to: validBody(ids: #"["3","0002","1","2","03"]"#, bungie: #""000012345678""#))
        #expect(response.status == 200)
        let token = try #require((try AuthTestFixtures.json(response)["response"] as? [String: Any])?["value"] as? String)
        let claims = try RaidHubTokenVerifier(keys: AuthTestFixtures.keys).verify(token, now: AuthTestFixtures.now)
        #expect(claims.destinyMembershipIds.map(\.description) == ["3", "2", "1"])
        #expect(claims.bungieMembershipId.description == "12345678")
    }

    @Test func acceptsTheEdgesOfEveryRule() {
        #expect(endpoint.respond(to: validBody(ids: "[]")).status == 200)
        #expect(endpoint.respond(to: validBody(bungie: #""9223372036854775807""#)).status == 200)
        #expect(endpoint.respond(to: validBody(bungie: #""1""#)).status == 200)
        let sixtyFour = "[" + (1...64).map { "\"\($0)\"" }.joined(separator: ",") + "]"
        #expect(endpoint.respond(to: validBody(ids: sixtyFour)).status == 200)
        let unknownFields = #"{"x":[1,{"y":null}],"bungieMembershipId":"1","destinyMembershipIds":[],"clientSecret":"\#(secret)","z":1}"#
        #expect(endpoint.respond(to: body(unknownFields)).status == 200)
    }

    /// Every rule of SPEC.md: the bad body, the issue's path and its code.
    @Test(arguments: [
        (#"{"destinyMembershipIds":[],"clientSecret":"s"}"#, #"["bungieMembershipId"]"#, "invalid_type"),
        (#"{"bungieMembershipId":"1","clientSecret":"s"}"#, #"["destinyMembershipIds"]"#, "invalid_type"),
        (#"{"bungieMembershipId":"1","destinyMembershipIds":[]}"#, #"["clientSecret"]"#, "invalid_type"),
        (#"{"bungieMembershipId":12345678,"destinyMembershipIds":[],"clientSecret":"s"}"#, #"["bungieMembershipId"]"#, "invalid_type"),
        (#"{"bungieMembershipId":null,"destinyMembershipIds":[],"clientSecret":"s"}"#, #"["bungieMembershipId"]"#, "invalid_type"),
        (#"{"bungieMembershipId":"123n","destinyMembershipIds":[],"clientSecret":"s"}"#, #"["bungieMembershipId"]"#, "invalid_string"),
        (#"{"bungieMembershipId":"","destinyMembershipIds":[],"clientSecret":"s"}"#, #"["bungieMembershipId"]"#, "invalid_string"),
        (#"{"bungieMembershipId":"-1","destinyMembershipIds":[],"clientSecret":"s"}"#, #"["bungieMembershipId"]"#, "invalid_string"),
        (#"{"bungieMembershipId":"+1","destinyMembershipIds":[],"clientSecret":"s"}"#, #"["bungieMembershipId"]"#, "invalid_string"),
        (#"{"bungieMembershipId":" 1","destinyMembershipIds":[],"clientSecret":"s"}"#, #"["bungieMembershipId"]"#, "invalid_string"),
        (#"{"bungieMembershipId":"1.0","destinyMembershipIds":[],"clientSecret":"s"}"#, #"["bungieMembershipId"]"#, "invalid_string"),
        (#"{"bungieMembershipId":"1e3","destinyMembershipIds":[],"clientSecret":"s"}"#, #"["bungieMembershipId"]"#, "invalid_string"),
        (#"{"bungieMembershipId":"０","destinyMembershipIds":[],"clientSecret":"s"}"#, #"["bungieMembershipId"]"#, "invalid_string"),
        (#"{"bungieMembershipId":"0","destinyMembershipIds":[],"clientSecret":"s"}"#, #"["bungieMembershipId"]"#, "too_small"),
        (#"{"bungieMembershipId":"0000","destinyMembershipIds":[],"clientSecret":"s"}"#, #"["bungieMembershipId"]"#, "too_small"),
        (#"{"bungieMembershipId":"9223372036854775808","destinyMembershipIds":[],"clientSecret":"s"}"#, #"["bungieMembershipId"]"#, "too_big"),
        (#"{"bungieMembershipId":"99999999999999999999999","destinyMembershipIds":[],"clientSecret":"s"}"#, #"["bungieMembershipId"]"#, "too_big"),
        (#"{"bungieMembershipId":"1","destinyMembershipIds":"1","clientSecret":"s"}"#, #"["destinyMembershipIds"]"#, "invalid_type"),
        (#"{"bungieMembershipId":"1","destinyMembershipIds":{"0":"1"},"clientSecret":"s"}"#, #"["destinyMembershipIds"]"#, "invalid_type"),
        (#"{"bungieMembershipId":"1","destinyMembershipIds":[4611686018488107374],"clientSecret":"s"}"#, #"["destinyMembershipIds",0]"#, "invalid_type"),
        (#"{"bungieMembershipId":"1","destinyMembershipIds":["1","2n"],"clientSecret":"s"}"#, #"["destinyMembershipIds",1]"#, "invalid_string"),
        (#"{"bungieMembershipId":"1","destinyMembershipIds":["1","0"],"clientSecret":"s"}"#, #"["destinyMembershipIds",1]"#, "too_small"),
        (#"{"bungieMembershipId":"1","destinyMembershipIds":[["1"]],"clientSecret":"s"}"#, #"["destinyMembershipIds",0]"#, "invalid_type"),
        (#"{"bungieMembershipId":"1","destinyMembershipIds":[],"clientSecret":7}"#, #"["clientSecret"]"#, "invalid_type"),
        (#"{"bungieMembershipId":"1","bungieMembershipId":"1","destinyMembershipIds":[],"clientSecret":"s"}"#, #"["bungieMembershipId"]"#, "duplicate_key"),
        (#"{"bungieMembershipId":"1","destinyMembershipIds":[],"clientSecret":"s","x":{"a":1,"a":2}}"#, #"["x","a"]"#, "duplicate_key"),
        (#"{"bungieMembershipId":"1","destinyMembershipIds":[],"clientSecret":"s","clientSecret":"t"}"#, #"["clientSecret"]"#, "duplicate_key"),
        (#"{"bungieMembershipId":"1""#, "[]", "invalid_json"),
        (#""#, "[]", "invalid_json"),
        (#"{"bungieMembershipId":"1",}"#, "[]", "invalid_json"),
        (#"{'bungieMembershipId':'1'}"#, "[]", "invalid_json"),
        (#"{"a":"\ud800"}"#, "[]", "invalid_json"),
        (#"{} {}"#, "[]", "invalid_json"),
        (#"[]"#, "[]", "invalid_type"),
        (#""s""#, "[]", "invalid_type"),
        (#"null"#, "[]", "invalid_type"),
    ])
    func refusesInvalidBodies(body text: String, path: String, code: String) throws {
        let response = endpoint.respond(to: body(text))
        #expect(response.status == 400)
        let json = try AuthTestFixtures.json(response)
        #expect(json["code"] as? String == "BodyValidationError")
        #expect(json["success"] as? Bool == false)
        let issues = try AuthTestFixtures.issues(response)
        #expect(issues.count == 1)
        #expect(issues.first?.path == path)
        #expect(issues.first?.code == code)
    }

    @Test func refusesSixtyFiveIds() throws {
        let sixtyFive = "[" + (1...65).map { "\"\($0)\"" }.joined(separator: ",") + "]"
        let response = endpoint.respond(to: validBody(ids: sixtyFive))
        #expect(response.status == 400)
        let issues = try AuthTestFixtures.issues(response)
        #expect(issues.map(\.path) == [#"["destinyMembershipIds"]"#])
        #expect(issues.map(\.code) == ["too_big"])
    }

    @Test func reportsEveryProblemAtOnce() throws {
        let response = endpoint.respond(to: body(#"{"bungieMembershipId":5,"destinyMembershipIds":["x","1",2]}"#))
        let issues = try AuthTestFixtures.issues(response)
        #expect(issues.map(\.path) == [#"["bungieMembershipId"]"#, #"["destinyMembershipIds",0]"#,
                                       #"["destinyMembershipIds",2]"#, #"["clientSecret"]"#])
    }

    @Test func answersAWrongSecretWithABare403() throws {
        for wrong in ["", "x", String(secret.dropLast()), secret + "x", secret.uppercased()] {
            let response = endpoint.respond(to: body(#"{"bungieMembershipId":"1","destinyMembershipIds":[],"clientSecret":"\#(wrong)"}"#))
            #expect(response.status == 403)
            #expect(response.bodyText == #"{"minted":"2024-03-03T23:30:00.123Z","success":false,"code":"InvalidClientSecretError","error":{}}"#)
        }
    }

    @Test func validatesBeforeCheckingTheSecret() throws {
        let response = endpoint.respond(to: body(#"{"bungieMembershipId":"x","destinyMembershipIds":[],"clientSecret":"wrong"}"#))
        #expect(response.status == 400)
    }

    @Test func refusesBodiesOver64KiBUnread() throws {
        let padding = String(repeating: " ", count: 65_536)
        let response = endpoint.respond(to: Array(validBody()) + body(padding))
        #expect(response.status == 413)
        #expect(response.bodyText.hasSuffix(#""code":"PayloadTooLargeError","error":{"limit":65536}}"#))
        #expect(endpoint.respond(to: validBody() + body(String(repeating: " ", count: 65_536 - validBody().count))).status == 200)
    }

    @Test func neverEchoesTheBodyOrTheSecret() {
        let bodies = [
            #"{"bungieMembershipId":"SECRET-LOOKING","destinyMembershipIds":[],"clientSecret":"SECRET-LOOKING"}"#,
            #"{"bungieMembershipId":"1","destinyMembershipIds":[],"clientSecret":"SECRET-LOOKING"}"#,
            #"{"a":"SECRET-LOOKING","a":"SECRET-LOOKING"}"#,
            #"["SECRET-LOOKING"]"#,
            #"{"bungieMembershipId":"1", SECRET-LOOKING"#,
        ]
        for text in bodies {
            let answer = endpoint.respond(to: body(text)).bodyText
            #expect(!answer.contains("SECRET-LOOKING"), "\(answer)")
        }
    }
}
