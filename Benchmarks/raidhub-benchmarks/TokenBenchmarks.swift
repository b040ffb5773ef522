import RaidHubAuth
import RaidHubJWT
import RaidHubTime

/// The hot paths of issue #2: minting, verifying, a whole `/authorize/user` body, and SHA-256.
enum TokenBenchmarks {
    static let jwtSecret = "benchmark-jwt-secret-0123456789abcdef0123"
    static let clientSecret = "benchmark-client-secret"
    static let issuedAt: Int64 = 1_709_508_600

    static func run(matching filter: String?) -> [Measurement] {
        let keys = try! JWTKeySet(environment: [EnvironmentVariable.jwtSecret: jwtSecret])
        let issuer = RaidHubTokenIssuer(keys: keys)
        let verifier = RaidHubTokenVerifier(keys: keys)
        let ids = [MembershipId(4_611_686_018_488_107_374)!, MembershipId(4_611_686_018_488_107_375)!]
        let claims = RaidHubClaims.user(bungieMembershipId: MembershipId(12_345_678)!, destinyMembershipIds: ids, issuedAt: issuedAt)
        let token = issuer.mint(claims).value
        let now = UnixTime(seconds: issuedAt + 10)
        let endpoint = UserTokenEndpoint(keys: keys, secret: ClientSecret(clientSecret), clock: FixedWallClock(now))
        let body = Array(#"{"bungieMembershipId":"12345678","destinyMembershipIds":["4611686018488107374","4611686018488107375"],"clientSecret":"\#(clientSecret)"}"#.utf8)
        precondition(endpoint.respond(to: body).status == 200, "benchmark body must succeed")

        let data64 = [UInt8](repeating: 0xA5, count: 64), data8K = [UInt8](repeating: 0xA5, count: 8192)
        let operations: [(String, Int, () -> Void)] = [
            ("mint user token", 50_000, { consume(issuer.mint(claims)) }),
            ("verify user token", 50_000, { consume(try? verifier.verify(token, now: now)) }),
            ("POST /authorize/user body", 20_000, { consume(endpoint.respond(to: body)) }),
            ("SHA-256 64 B", 100_000, { consume(SHA256.hash(data64)) }),
            ("SHA-256 8192 B", 1_000, { consume(SHA256.hash(data8K)) }),
        ]
        return operations.filter { filter.map($0.0.contains) ?? true }.map { name, iterations, operation in
            Measurement.best(name, iterations: iterations, operation)
        }
    }
}
