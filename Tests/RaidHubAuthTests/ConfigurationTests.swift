import RaidHubAuth
import RaidHubJWT
import RaidHubTime
import Testing

@Suite struct ConfigurationTests {
    let jwt = String(repeating: "j", count: 32)

    @Test(arguments: [
        ([:], "JWT_SECRET is not set"),
        (["JWT_SECRET": ""], "JWT_SECRET is empty"),
        (["JWT_SECRET": String(repeating: "j", count: 31)], "JWT_SECRET must be at least 32 bytes"),
        (["JWT_SECRET": String(repeating: "j", count: 32)], "CLIENT_SECRET is not set"),
        (["JWT_SECRET": String(repeating: "j", count: 32), "CLIENT_SECRET": ""], "CLIENT_SECRET is empty"),
        (["JWT_SECRET": String(repeating: "j", count: 32), "CLIENT_SECRET": "c", "JWT_SECRET_PREVIOUS": "short"],
         "JWT_SECRET_PREVIOUS must be at least 32 bytes"),
    ] as [([String: String], String)])
    func userEndpointRefusesBadConfiguration(environment: [String: String], message: String) {
        #expect(throws: ConfigurationError.self) { try UserTokenEndpoint(environment: environment) }
        do {
            _ = try UserTokenEndpoint(environment: environment)
        } catch {
            #expect(error.description == message)
            for value in environment.values where !value.isEmpty {
                #expect(!error.description.contains(value))
            }
        }
    }

    @Test func adminSecretMustDifferFromTheClientSecret() {
        let environment = ["JWT_SECRET": jwt, "CLIENT_SECRET": "same-secret", "ADMIN_CLIENT_SECRET": "same-secret"]
        #expect(throws: ConfigurationError(variable: "ADMIN_CLIENT_SECRET", problem: .sameAs("CLIENT_SECRET"))) {
            try AdminTokenEndpoint(environment: environment)
        }
        #expect(throws: ConfigurationError(variable: "ADMIN_CLIENT_SECRET", problem: .missing)) {
            try AdminTokenEndpoint(environment: ["JWT_SECRET": jwt, "CLIENT_SECRET": "c"])
        }
    }

    @Test func acceptsAGoodConfiguration() throws {
        _ = try UserTokenEndpoint(environment: ["JWT_SECRET": jwt, "CLIENT_SECRET": "c"])
        _ = try AdminTokenEndpoint(environment: ["JWT_SECRET": jwt, "ADMIN_CLIENT_SECRET": "a"])
        _ = try AdminTokenEndpoint(environment: ["JWT_SECRET": jwt, "ADMIN_CLIENT_SECRET": "a", "CLIENT_SECRET": "c"])
        let keys = try JWTKeySet(environment: ["JWT_SECRET": jwt, "JWT_SECRET_PREVIOUS": ""])
        #expect(keys.previous == nil)
    }

    @Test func rotationKeepsOldTokensValid() throws {
        let old = String(repeating: "o", count: 40), new = String(repeating: "n", count: 40)
        let before = try JWTKeySet(environment: ["JWT_SECRET": old])
        let after = try JWTKeySet(environment: ["JWT_SECRET": new, "JWT_SECRET_PREVIOUS": old])
        let id = try #require(MembershipId(7))
        let token = RaidHubTokenIssuer(keys: before).mint(.user(bungieMembershipId: id, destinyMembershipIds: [], issuedAt: 1_709_508_600))
        let now = UnixTime(seconds: 1_709_508_601)
        #expect(try RaidHubTokenVerifier(keys: after).verify(token.value, now: now).bungieMembershipId == id)
        #expect(throws: RaidHubTokenError.invalidToken(.signatureMismatch)) {
            try RaidHubTokenVerifier(keys: JWTKeySet(environment: ["JWT_SECRET": new])).verify(token.value, now: now)
        }
    }

    @Test func secretsAreRedactedEverywhere() throws {
        let value = "very-secret-value-0123456789abcdef"
        let things: [Any] = [ClientSecret(value), try HS256Key(secret: value), try JWTKeySet(environment: ["JWT_SECRET": value]),
                             AuthTestFixtures.userEndpoint]
        for thing in things {
            var dumped = ""
            dump(thing, to: &dumped)
            for text in [String(describing: thing), String(reflecting: thing), dumped] {
                #expect(!text.contains(value))
                #expect(!text.contains(AuthTestFixtures.clientSecret))
                #expect(!text.contains(AuthTestFixtures.jwtSecret))
            }
        }
    }
}
