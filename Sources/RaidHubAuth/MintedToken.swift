import RaidHubTime

/// A freshly signed token and the instant it expires.
public struct MintedToken: Sendable, Equatable {
    /// The compact JWT.
    public let value: String
    /// Its `exp` claim.
    public let expires: UnixTime
}
