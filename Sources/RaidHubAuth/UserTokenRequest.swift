import RaidHubJSON

/// The body of `POST /authorize/user`: the player's ids and the website's client secret.
public struct UserTokenRequest: TokenRequest {
    /// The player's Bungie.net membership id.
    public let bungieMembershipId: MembershipId
    /// The player's Destiny membership ids, duplicates dropped, order kept.
    public let destinyMembershipIds: [MembershipId]
    /// The secret the caller presented.
    public let clientSecret: ClientSecret

    /// The request in `object`, or every problem with it; unknown members are ignored.
    public init(_ object: JSONObject) throws(APIError) {
        var fields = RequestFields(object)
        let bungieMembershipId = fields.membershipId("bungieMembershipId")
        let destinyMembershipIds = fields.membershipIds("destinyMembershipIds")
        let clientSecret = fields.string("clientSecret")
        guard let bungieMembershipId, let destinyMembershipIds, let clientSecret else {
            throw .validation(fields.issues)
        }
        self.bungieMembershipId = bungieMembershipId
        self.destinyMembershipIds = destinyMembershipIds
        self.clientSecret = ClientSecret(clientSecret)
    }

    /// The client secret.
    public var presentedSecret: ClientSecret { clientSecret }

    /// A 30-day user token for the player's ids.
    public func claims(issuedAt: Int64) -> RaidHubClaims {
        .user(bungieMembershipId: bungieMembershipId, destinyMembershipIds: destinyMembershipIds, issuedAt: issuedAt)
    }
}
