import RaidHubJWT
import RaidHubTime

/// An endpoint that trades a valid request presenting the right secret for a token:
/// `POST /authorize/user` (`UserTokenEndpoint`) and `POST /authorize/admin` (`AdminTokenEndpoint`).
public struct TokenEndpoint<Request: TokenRequest>: Sendable {
    private let secret: ClientSecret
    private let issuer: RaidHubTokenIssuer
    private let clock: any WallClock

    /// An endpoint that mints with `keys` for requests presenting `secret`.
    public init(keys: JWTKeySet, secret: ClientSecret, clock: any WallClock) {
        self.secret = secret
        self.issuer = RaidHubTokenIssuer(keys: keys)
        self.clock = clock
    }

    /// The answer to a request with this body. Validation comes before the secret is checked; a
    /// wrong secret gets a bare 403.
    public func respond(to body: [UInt8]) -> APIResponse {
        let now = clock.now()
        do throws(APIError) {
            let request = try Request(RequestBody.object(body))
            guard secret.isSame(as: request.presentedSecret) else { throw APIError(.invalidClientSecret) }
            return ResponseEnvelope.success(issuer.mint(request.claims(issuedAt: now.seconds)), minted: now)
        } catch {
            return ResponseEnvelope.failure(error, minted: now)
        }
    }
}

/// `POST /authorize/user`: a website backend that has signed a player in trades the player's ids
/// and its client secret for a 30-day token.
public typealias UserTokenEndpoint = TokenEndpoint<UserTokenRequest>

/// `POST /authorize/admin`: an admin tool trades an admin's Bungie.net id and the admin client
/// secret for a 1-hour admin token.
public typealias AdminTokenEndpoint = TokenEndpoint<AdminTokenRequest>
