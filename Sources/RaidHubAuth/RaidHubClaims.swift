import RaidHubJSON

/// What a RaidHub token says: who the player is, which Destiny accounts are theirs, whether they
/// are an admin, and when the token was issued and expires.
public struct RaidHubClaims: Sendable, Equatable {
    /// The most Destiny membership ids one token carries.
    public static let maximumDestinyMembershipIds = 64

    /// The player's Bungie.net membership id.
    public var bungieMembershipId: MembershipId
    /// The player's Destiny membership ids (empty for admin tokens).
    public var destinyMembershipIds: [MembershipId]
    /// Whether the bearer may use admin-only routes.
    public var isAdmin: Bool
    /// `iat`, seconds since the epoch.
    public var issuedAt: Int64
    /// `exp`, seconds since the epoch.
    public var expiresAt: Int64

    /// Claims with every field given.
    public init(
        bungieMembershipId: MembershipId, destinyMembershipIds: [MembershipId], isAdmin: Bool,
        issuedAt: Int64, expiresAt: Int64
    ) {
        self.bungieMembershipId = bungieMembershipId
        self.destinyMembershipIds = destinyMembershipIds
        self.isAdmin = isAdmin
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
    }

    /// A player's claims, issued at `issuedAt` and living `TokenLifetime.userSeconds`.
    public static func user(
        bungieMembershipId: MembershipId, destinyMembershipIds: [MembershipId], issuedAt: Int64
    ) -> RaidHubClaims {
        RaidHubClaims(
            bungieMembershipId: bungieMembershipId, destinyMembershipIds: destinyMembershipIds, isAdmin: false,
            issuedAt: issuedAt, expiresAt: issuedAt + TokenLifetime.userSeconds)
    }

    /// An admin's claims, issued at `issuedAt` and living `TokenLifetime.adminSeconds`.
    public static func admin(bungieMembershipId: MembershipId, issuedAt: Int64) -> RaidHubClaims {
        RaidHubClaims(
            bungieMembershipId: bungieMembershipId, destinyMembershipIds: [], isAdmin: true,
            issuedAt: issuedAt, expiresAt: issuedAt + TokenLifetime.adminSeconds)
    }

    /// The JWT payload, byte for byte what RaidHub's current service writes: compact JSON, with
    /// `isAdmin` after the destiny ids in a user token and before them in an admin token.
    public var payload: [UInt8] {
        var writer = JSONWriter(capacity: 128 + destinyMembershipIds.count * 24)
        writer.openObject()
        writer.key("bungieMembershipId")
        writer.string(bungieMembershipId.description)
        if isAdmin { writeIsAdmin(to: &writer) }
        writer.key("destinyMembershipIds")
        writer.openArray()
        for id in destinyMembershipIds { writer.string(id.description) }
        writer.closeArray()
        if !isAdmin { writeIsAdmin(to: &writer) }
        writer.key("iat")
        writer.integer(issuedAt)
        writer.key("exp")
        writer.integer(expiresAt)
        writer.closeObject()
        return writer.bytes
    }

    private func writeIsAdmin(to writer: inout JSONWriter) {
        writer.key("isAdmin")
        writer.bool(isAdmin)
    }
}

/// How long each kind of RaidHub token lives.
public enum TokenLifetime {
    /// A player's token: 30 days.
    public static let userSeconds: Int64 = 2_592_000
    /// An admin's token: 1 hour.
    public static let adminSeconds: Int64 = 3_600
}
