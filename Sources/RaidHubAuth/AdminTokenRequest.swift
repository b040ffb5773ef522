import RaidHubJSON

/// The body of `POST /authorize/admin`: the admin's Bungie.net id and the admin client secret.
public struct AdminTokenRequest: TokenRequest {
    /// The admin's Bungie.net membership id.
    public let bungieMembershipId: MembershipId
    /// The secret the caller presented.
    public let adminClientSecret: ClientSecret

    /// The request in `object`, or every problem with it; unknown members are ignored.
    public init(_ object: JSONObject) throws(APIError) {
        var fields = RequestFields(object)
        let bungieMembershipId = fields.membershipId("bungieMembershipId")
        let adminClientSecret = fields.string("adminClientSecret")
        guard let bungieMembershipId, let adminClientSecret else { throw .validation(fields.issues) }
        self.bungieMembershipId = bungieMembershipId
        self.adminClientSecret = ClientSecret(adminClientSecret)
    }

    /// The admin client secret.
    public var presentedSecret: ClientSecret { adminClientSecret }

    /// A 1-hour admin token.
    public func claims(issuedAt: Int64) -> RaidHubClaims {
        .admin(bungieMembershipId: bungieMembershipId, issuedAt: issuedAt)
    }
}
