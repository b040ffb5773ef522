import RaidHubJSON

/// The body of `POST /authorize/admin`: the admin's Bungie.net id and the admin client secret.
public struct AdminTokenRequest: Sendable {
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
}
