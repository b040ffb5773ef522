import RaidHubJWT
import RaidHubTime

/// Signs RaidHub tokens with the current key.
public struct RaidHubTokenIssuer: Sendable {
    private let signer: JWTSigner

    /// An issuer that signs with `keys.current`.
    public init(keys: JWTKeySet) {
        signer = JWTSigner(key: keys.current)
    }

    /// The token carrying exactly `claims`.
    public func mint(_ claims: RaidHubClaims) -> MintedToken {
        MintedToken(value: signer.sign(payload: claims.payload), expires: UnixTime(seconds: claims.expiresAt))
    }
}

/// A freshly signed token and the instant it expires.
public struct MintedToken: Sendable, Equatable {
    /// The compact JWT.
    public let value: String
    /// Its `exp` claim.
    public let expires: UnixTime
}
