import RaidHubJSON
import RaidHubJWT
import Testing

@Suite struct JWTVerifierTests {
    let verifier = JWTVerifier(keys: JWTKeySet(current: JWTTestTokens.key))
    let now = JWTTestTokens.now

    @Test func acceptsAWellFormedToken() throws {
        let verified = try verifier.verify(JWTTestTokens.token(), now: now)
        #expect(verified.issuedAt == 1_709_508_600)
        #expect(verified.expiresAt == 1_709_512_200)
        #expect(!verified.isSignedWithPreviousKey)
    }

    @Test(arguments: [
        (#"{"alg":"none","typ":"JWT"}"#, JWTVerificationError.unsupportedAlgorithm),
        (#"{"alg":"hs256"}"#, .unsupportedAlgorithm),
        (#"{"alg":"HS384"}"#, .unsupportedAlgorithm),
        (#"{"alg":"RS256"}"#, .unsupportedAlgorithm),
        (#"{"alg":"HS256 "}"#, .unsupportedAlgorithm),
        (#"{"typ":"JWT"}"#, .unsupportedAlgorithm),
        (#"{"alg":["HS256"]}"#, .unsupportedAlgorithm),
        (#"{"alg":"HS256","crit":["exp"]}"#, .criticalHeader),
        (#"{"alg":"HS256","typ":"JOSE"}"#, .unsupportedType),
        (#"{"alg":"HS256","typ":null}"#, .unsupportedType),
        (#"{"alg":"HS256","alg":"HS256"}"#, .duplicateKey(.header)),
        (#"{"alg":"HS256","x":{"a":1,"a":2}}"#, .duplicateKey(.header)),
        (#"["alg","HS256"]"#, .notAnObject(.header)),
        (#""HS256""#, .notAnObject(.header)),
        (#"{"alg":"HS256""#, .invalidJSON(.header)),
    ])
    func refusesHeader(header: String, reason: JWTVerificationError) {
        #expect(throws: reason) { try verifier.verify(JWTTestTokens.token(header: header), now: now) }
    }

    @Test func acceptsOtherHeaderOrderAndAbsentTyp() throws {
        _ = try verifier.verify(JWTTestTokens.token(header: #"{"typ":"JWT","alg":"HS256","kid":"k1"}"#), now: now)
        _ = try verifier.verify(JWTTestTokens.token(header: #"{"alg":"HS256"}"#), now: now)
    }

    @Test(arguments: [
        (#"{"iat":1709508600,"exp":1709512200,"exp":1709512200}"#, JWTVerificationError.duplicateKey(.payload)),
        (#"{"iat":1709508600,"exp":1709512200,"d":[{"a":1,"\u0061":1}]}"#, .duplicateKey(.payload)),
        (#"[1709508600]"#, .notAnObject(.payload)),
        (#"null"#, .notAnObject(.payload)),
        (#"{"iat":1709508600,"exp":1709512200"#, .invalidJSON(.payload)),
        (#"{"iat":1709508600,"exp":1709512200} x"#, .invalidJSON(.payload)),
        (#"{"exp":1709512200}"#, .missingClaim("iat")),
        (#"{"iat":1709508600}"#, .missingClaim("exp")),
        (#"{"iat":"1709508600","exp":1709512200}"#, .claimNotInteger("iat")),
        (#"{"iat":1709508600.0,"exp":1709512200}"#, .claimNotInteger("iat")),
        (#"{"iat":1709508600,"exp":1.7095122e9}"#, .claimNotInteger("exp")),
        (#"{"iat":1709508600,"exp":true}"#, .claimNotInteger("exp")),
        (#"{"iat":1709508600,"exp":9223372036854775807}"#, .claimOutOfRange("exp")),
        (#"{"iat":1709508600,"exp":9223372036854775808}"#, .claimOutOfRange("exp")),
        (#"{"iat":1709508600,"exp":99999999999999999999999999999}"#, .claimOutOfRange("exp")),
        (#"{"iat":-1,"exp":1709512200}"#, .claimOutOfRange("iat")),
        (#"{"iat":-9223372036854775808,"exp":1709512200}"#, .claimOutOfRange("iat")),
        (#"{"iat":1709508600,"exp":1709508600}"#, .expired),
        (#"{"iat":1709508000,"exp":1709508599}"#, .expired),
        (#"{"iat":1709508661,"exp":1709512200}"#, .issuedInFuture),
    ])
    func refusesPayload(payload: String, reason: JWTVerificationError) {
        #expect(throws: reason) { try verifier.verify(JWTTestTokens.token(payload: payload), now: now) }
    }

    @Test func allowsLeewayForIssuedAtOnly() throws {
        let issuedAtEdge = JWTTestTokens.token(payload: #"{"iat":1709508660,"exp":1709512200}"#)
        #expect(try verifier.verify(issuedAtEdge, now: now).issuedAt == 1_709_508_660)
        let strict = JWTVerifier(keys: JWTKeySet(current: JWTTestTokens.key), leewaySeconds: 0)
        #expect(throws: JWTVerificationError.issuedInFuture) { try strict.verify(issuedAtEdge, now: now) }
        let lastValidSecond = JWTTestTokens.token(payload: #"{"iat":1709508000,"exp":1709508601}"#)
        #expect(try verifier.verify(lastValidSecond, now: now).expiresAt == now + 1)
    }

    @Test func survivesClocksAtTheEdgesOfInt64() {
        let token = JWTTestTokens.token()
        #expect(throws: JWTVerificationError.expired) { try verifier.verify(token, now: .max) }
        #expect(throws: JWTVerificationError.issuedInFuture) { try verifier.verify(token, now: .min) }
    }

    @Test func refusesMalformedStructure() {
        let good = JWTTestTokens.token()
        let parts = good.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let cases: [(String, JWTVerificationError)] = [
            ("", .wrongSegmentCount(1)),
            (parts[0], .wrongSegmentCount(1)),
            (parts[0] + "." + parts[1], .wrongSegmentCount(2)),
            (good + ".", .wrongSegmentCount(4)),
            (good + "." + parts[2], .wrongSegmentCount(4)),
            ("..", .emptySegment(.header)),
            ("." + parts[1] + "." + parts[2], .emptySegment(.header)),
            (parts[0] + ".." + parts[2], .emptySegment(.payload)),
            (parts[0] + "." + parts[1] + ".", .emptySegment(.signature)),
            (parts[0] + "=." + parts[1] + "." + parts[2], .invalidBase64URL(.header, .padding)),
            (parts[0] + "." + parts[1] + "=." + parts[2], .invalidBase64URL(.payload, .padding)),
            (parts[0] + "." + parts[1] + "." + parts[2] + "=", .invalidBase64URL(.signature, .padding)),
            (parts[0] + "." + parts[1].replacingOccurrences(of: "_", with: "/") + "+." + parts[2],
             .invalidBase64URL(.payload, .invalidCharacter)),
            (parts[0] + " ." + parts[1] + "." + parts[2], .invalidBase64URL(.header, .invalidCharacter)),
            (parts[0] + "." + parts[1] + "." + parts[2] + "AA", .invalidBase64URL(.signature, .impossibleLength)),
        ]
        for (token, reason) in cases {
            #expect(throws: reason, "\(token)") { try verifier.verify(token, now: now) }
        }
    }

    @Test func refusesNonCanonicalTrailingBitsInTheSignature() throws {
        let good = JWTTestTokens.token()
        // 32 bytes encode to 43 characters whose last carries 2 unused bits; set one of them.
        var characters = Array(good)
        let last = characters.removeLast()
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        let value = try #require(alphabet.firstIndex(of: last))
        characters.append(alphabet[value | 1 == value ? value ^ 2 : value | 1])
        #expect(throws: JWTVerificationError.invalidBase64URL(.signature, .nonZeroTrailingBits)) {
            try verifier.verify(String(characters), now: now)
        }
    }

    @Test func refusesWrongMACs() {
        let good = JWTTestTokens.token()
        let signingInput = String(good[..<good.lastIndex(of: ".")!])
        let mac = HMACSHA256(key: JWTTestTokens.secret).authenticationCode(for: Array(signingInput.utf8)).bytes
        let truncated = signingInput + "." + Base64URL.encode(Array(mac.prefix(16)))
        let extended = signingInput + "." + Base64URL.encode(mac + [0])
        let otherKey = JWTTestTokens.token(signingSecret: Array("another-secret-0123456789abcdef0123456789".utf8))
        var flipped = mac
        flipped[31] ^= 0x80
        #expect(throws: JWTVerificationError.signatureLength(16)) { try verifier.verify(truncated, now: now) }
        #expect(throws: JWTVerificationError.signatureLength(33)) { try verifier.verify(extended, now: now) }
        #expect(throws: JWTVerificationError.signatureMismatch) { try verifier.verify(otherKey, now: now) }
        #expect(throws: JWTVerificationError.signatureMismatch) {
            try verifier.verify(signingInput + "." + Base64URL.encode(flipped), now: now)
        }
    }

    @Test func refusesTokensOverTheLimitUnread() {
        let padding = String(repeating: "x", count: 8192)
        let large = JWTTestTokens.token(payload: #"{"iat":1709508600,"exp":1709512200,"p":"\#(padding)"}"#)
        #expect(throws: JWTVerificationError.tooLarge(limitByteCount: 8192)) { try verifier.verify(large, now: now) }
        #expect(throws: JWTVerificationError.tooLarge(limitByteCount: 8192)) {
            try verifier.verify(String(repeating: ".", count: 100_000), now: now)
        }
    }

    @Test func acceptsThePreviousKeyForVerificationOnly() throws {
        let oldSecret = Array("the-previous-secret-0123456789abcdef012345".utf8)
        let rotated = JWTVerifier(keys: JWTKeySet(current: JWTTestTokens.key, previous: try HS256Key(secret: oldSecret)))
        #expect(try rotated.verify(JWTTestTokens.token(signingSecret: oldSecret), now: now).isSignedWithPreviousKey)
        #expect(try !rotated.verify(JWTTestTokens.token(), now: now).isSignedWithPreviousKey)
        #expect(throws: JWTVerificationError.signatureMismatch) {
            try verifier.verify(JWTTestTokens.token(signingSecret: oldSecret), now: now)
        }
    }

    @Test func refusesKeysShorterThan32Bytes() throws {
        #expect(throws: HS256KeyError.tooShort(minimumByteCount: 32)) { try HS256Key(secret: String(repeating: "k", count: 31)) }
        #expect(throws: HS256KeyError.tooShort(minimumByteCount: 32)) { try HS256Key(secret: "") }
        _ = try HS256Key(secret: String(repeating: "k", count: 32))
    }

    /// RFC 7515 Appendix A.1: the HS256 example, verified as given (its header has CR LF inside).
    @Test func verifiesRFC7515AppendixA1() throws {
        let secret = try Base64URL.decode(Array("AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow".utf8))
        let token = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
            + ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
            + ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        let verifier = JWTVerifier(keys: JWTKeySet(current: try HS256Key(secret: secret)))
        let claims = try verifier.verifySignature(token).claims
        #expect(claims["iss"] == .string("joe"))
        #expect(claims["exp"] == .number(JSONNumber(text: "1300819380")))
        #expect(claims["http://example.com/is_root"] == .bool(true))
        // It has no iat, so as a RaidHub token it is refused for that, not for its signature.
        #expect(throws: JWTVerificationError.missingClaim("iat")) { try verifier.verify(token, now: 1_300_819_379) }
    }
}
