import RaidHubJWT

/// Why a token is not a valid RaidHub token; safe to log (never quotes the token).
public enum RaidHubTokenError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The JWT itself was refused (structure, header, signature or time).
    case invalidToken(JWTVerificationError)
    /// A RaidHub claim is missing or has the wrong type.
    case invalidClaim(String)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .invalidToken(let reason): reason.description
        case .invalidClaim(let name): "claim \(name) is missing or has the wrong type"
        }
    }
}
