import RaidHubJSON
import RaidHubJWT

extension RaidHubClaims {
    /// The claims of a verified token, when each has its type: the ids as decimal strings, an
    /// array of them, and a boolean `isAdmin`. Other claims are ignored.
    init(verified: VerifiedJWT) throws(RaidHubTokenError) {
        let claims = verified.claims
        guard case .string(let bungieText)? = claims["bungieMembershipId"],
              case .success(let bungieMembershipId) = MembershipId.parse(bungieText)
        else { throw .invalidClaim("bungieMembershipId") }
        guard case .array(let elements)? = claims["destinyMembershipIds"] else {
            throw .invalidClaim("destinyMembershipIds")
        }
        var destinyMembershipIds: [MembershipId] = []
        destinyMembershipIds.reserveCapacity(elements.count)
        for element in elements {
            guard case .string(let text) = element, case .success(let id) = MembershipId.parse(text) else {
                throw .invalidClaim("destinyMembershipIds")
            }
            destinyMembershipIds.append(id)
        }
        guard case .bool(let isAdmin)? = claims["isAdmin"] else { throw .invalidClaim("isAdmin") }
        self.init(
            bungieMembershipId: bungieMembershipId, destinyMembershipIds: destinyMembershipIds,
            isAdmin: isAdmin, issuedAt: verified.issuedAt, expiresAt: verified.expiresAt)
    }
}
