import RaidHubAuth
import RaidHubJWT
import RaidHubTestSupport
import RaidHubTime
import Testing

@Suite struct RaidHubTokenVectorTests {
    struct Vector: Decodable {
        struct Claims: Decodable {
            let bungieMembershipId: String
            let destinyMembershipIds: [String]
            let isAdmin: Bool
            let iat: Int64
            let exp: Int64
        }
        let kind: String
        let jwtSecret: String
        let iat: Int64
        let claims: Claims
        let token: String
    }

    static let vectors = (try? Fixtures.vectors("vectors/raidhub-tokens.json", as: Vector.self)) ?? []

    @Test func fixtureHasEveryKind() {
        #expect(Self.vectors.count == 3)
        #expect(Set(Self.vectors.map(\.kind)) == ["user", "admin"])
    }

    /// Built from the ids and the instant alone, the token is byte for byte RaidHub's.
    @Test(arguments: vectors)
    func mintsExactlyRaidHubsToken(vector: Vector) throws {
        let keys = JWTKeySet(current: try HS256Key(secret: vector.jwtSecret))
        let bungie = try MembershipId.parse(vector.claims.bungieMembershipId).get()
        let claims: RaidHubClaims = switch vector.kind {
        case "admin": .admin(bungieMembershipId: bungie, issuedAt: vector.iat)
        default: .user(
            bungieMembershipId: bungie,
            destinyMembershipIds: try vector.claims.destinyMembershipIds.map { try MembershipId.parse($0).get() },
            issuedAt: vector.iat)
        }
        #expect(claims.expiresAt == vector.claims.exp)
        let minted = RaidHubTokenIssuer(keys: keys).mint(claims)
        #expect(minted.value == vector.token)
        #expect(minted.expires == UnixTime(seconds: vector.claims.exp))
        let verified = try RaidHubTokenVerifier(keys: keys).verify(vector.token, now: UnixTime(seconds: vector.iat))
        #expect(verified == claims)
    }
}

extension RaidHubTokenVectorTests.Vector: CustomTestStringConvertible {
    var testDescription: String { "\(kind) token for \(claims.bungieMembershipId)" }
}
