import RaidHubJWT
import RaidHubTime

/// Accepts RaidHub tokens signed with the current or previous key and returns their claims.
public struct RaidHubTokenVerifier: Sendable {
    private let verifier: JWTVerifier

    /// A verifier for tokens under `keys`, with `leewaySeconds` of tolerance for `iat`.
    public init(keys: JWTKeySet, leewaySeconds: Int64 = JWTVerifier.defaultLeewaySeconds) {
        verifier = JWTVerifier(keys: keys, leewaySeconds: leewaySeconds)
    }

    /// The claims of `token` when it is a valid RaidHub token at `now`.
    public func verify(_ token: String, now: UnixTime) throws(RaidHubTokenError) -> RaidHubClaims {
        let verified: VerifiedJWT
        do { verified = try verifier.verify(token, now: now.seconds) } catch { throw .invalidToken(error) }
        return try RaidHubClaims(verified: verified)
    }
}
