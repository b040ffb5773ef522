import RaidHubJSON

/// A token whose signature, header and time claims all passed: its claims can be trusted.
public struct VerifiedJWT: Sendable, Equatable {
    /// The payload's members, in order.
    public let claims: JSONObject
    /// `iat`, seconds since the epoch.
    public let issuedAt: Int64
    /// `exp`, seconds since the epoch.
    public let expiresAt: Int64
    /// Whether it was signed with the previous key, i.e. before the last rotation.
    public let isSignedWithPreviousKey: Bool
}
