import RaidHubJWT

/// `POST /authorize/user`: a website backend that has signed a player in trades the player's ids
/// and its client secret for a 30-day token.
public struct UserTokenEndpoint: Sendable {
    private let clientSecret: ClientSecret
    private let issuer: RaidHubTokenIssuer
    private let clock: any WallClock

    /// An endpoint configured directly.
    public init(keys: JWTKeySet, clientSecret: ClientSecret, clock: any WallClock) {
        self.clientSecret = clientSecret
        self.issuer = RaidHubTokenIssuer(keys: keys)
        self.clock = clock
    }

    /// An endpoint configured from `JWT_SECRET`, `JWT_SECRET_PREVIOUS` and `CLIENT_SECRET`.
    public init(environment: [String: String], clock: any WallClock = SystemWallClock()) throws(ConfigurationError) {
        let keys = try JWTKeySet(environment: environment)
        let secret = try EnvironmentVariable.required(EnvironmentVariable.clientSecret, in: environment)
        self.init(keys: keys, clientSecret: ClientSecret(secret), clock: clock)
    }

    /// The answer to a request with this body. Validation comes before the secret is checked; a
    /// wrong secret gets a bare 403.
    public func respond(to body: [UInt8]) -> APIResponse {
        let now = clock.now()
        do throws(APIError) {
            let request = try UserTokenRequest(RequestBody.object(body))
            guard clientSecret.isSame(as: request.clientSecret) else { throw APIError(.invalidClientSecret) }
            let claims = RaidHubClaims.user(
                bungieMembershipId: request.bungieMembershipId, destinyMembershipIds: request.destinyMembershipIds,
                issuedAt: now.seconds)
            return ResponseEnvelope.success(issuer.mint(claims), minted: now)
        } catch {
            return ResponseEnvelope.failure(error, minted: now)
        }
    }
}
