import RaidHubJWT

/// `POST /authorize/admin`: an admin tool trades an admin's Bungie.net id and the admin client
/// secret for a 1-hour admin token.
public struct AdminTokenEndpoint: Sendable {
    private let adminClientSecret: ClientSecret
    private let issuer: RaidHubTokenIssuer
    private let clock: any WallClock

    /// An endpoint configured directly.
    public init(keys: JWTKeySet, adminClientSecret: ClientSecret, clock: any WallClock) {
        self.adminClientSecret = adminClientSecret
        self.issuer = RaidHubTokenIssuer(keys: keys)
        self.clock = clock
    }

    /// An endpoint configured from `JWT_SECRET`, `JWT_SECRET_PREVIOUS` and `ADMIN_CLIENT_SECRET`,
    /// which must differ from `CLIENT_SECRET` when that is set too: one leaked secret must not
    /// grant both kinds of token.
    public init(environment: [String: String], clock: any WallClock = SystemWallClock()) throws(ConfigurationError) {
        let keys = try JWTKeySet(environment: environment)
        let admin = ClientSecret(try EnvironmentVariable.required(EnvironmentVariable.adminClientSecret, in: environment))
        if let client = EnvironmentVariable.optional(EnvironmentVariable.clientSecret, in: environment),
           admin.isSame(as: ClientSecret(client)) {
            throw ConfigurationError(variable: EnvironmentVariable.adminClientSecret, problem: .sameAs(EnvironmentVariable.clientSecret))
        }
        self.init(keys: keys, adminClientSecret: admin, clock: clock)
    }

    /// The answer to a request with this body.
    public func respond(to body: [UInt8]) -> APIResponse {
        let now = clock.now()
        do throws(APIError) {
            let request = try AdminTokenRequest(RequestBody.object(body))
            guard adminClientSecret.isSame(as: request.adminClientSecret) else { throw APIError(.invalidClientSecret) }
            let claims = RaidHubClaims.admin(bungieMembershipId: request.bungieMembershipId, issuedAt: now.seconds)
            return ResponseEnvelope.success(issuer.mint(claims), minted: now)
        } catch {
            return ResponseEnvelope.failure(error, minted: now)
        }
    }
}
