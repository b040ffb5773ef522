import RaidHubJWT

/// Builds tokens with any header, payload and signature, for testing what the verifier refuses.
enum JWTTestTokens {
    static let secret = Array("test-jwt-secret-0123456789abcdef0123456789".utf8)
    static let key = try! HS256Key(secret: secret)
    static let standardHeader = #"{"alg":"HS256","typ":"JWT"}"#
    static let now: Int64 = 1_709_508_600

    /// `header.payload.signature` with the signature computed under `signingSecret` over the
    /// encoded segments exactly as given.
    static func token(
        header: String = standardHeader,
        payload: String = #"{"iat":1709508600,"exp":1709512200}"#,
        signingSecret: [UInt8] = secret
    ) -> String {
        let signingInput = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(payload.utf8))
        return signed(signingInput, secret: signingSecret)
    }

    /// `signingInput` followed by a dot and its MAC.
    static func signed(_ signingInput: String, secret: [UInt8] = secret) -> String {
        signingInput + "." + Base64URL.encode(HMACSHA256(key: secret).authenticationCode(for: Array(signingInput.utf8)).bytes)
    }
}
