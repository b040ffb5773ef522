import RaidHubJWT
import RaidHubTestSupport
import Testing

@Suite struct JWTSignerTests {
    struct TokenVector: Decodable {
        let jwtSecret: String
        let iat: Int64
        let token: String
    }

    /// The signer reproduces RaidHub's tokens given the same payload bytes; `RaidHubAuthTests`
    /// checks that the payload bytes themselves are built exactly.
    @Test func reproducesRaidHubTokensFromTheirPayloadBytes() throws {
        for vector in try Fixtures.vectors("vectors/raidhub-tokens.json", as: TokenVector.self) {
            let payload = try Base64URL.decode(Array(vector.token.split(separator: ".")[1].utf8))
            let signer = JWTSigner(key: try HS256Key(secret: vector.jwtSecret))
            #expect(signer.sign(payload: payload) == vector.token)
            let verifier = JWTVerifier(keys: JWTKeySet(current: try HS256Key(secret: vector.jwtSecret)))
            #expect(try verifier.verify(vector.token, now: vector.iat).issuedAt == vector.iat)
        }
    }

    @Test func writesTheStandardHeader() {
        let token = JWTSigner(key: JWTTestTokens.key).sign(payload: Array("{}".utf8))
        #expect(token.hasPrefix("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."))
        #expect(token.split(separator: ".").count == 3)
    }
}
