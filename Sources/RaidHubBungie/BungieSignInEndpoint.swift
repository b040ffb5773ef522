import Foundation
import RaidHubAuth
import RaidHubJWT
import RaidHubTime

/// `POST /authorize/bungie`: trades the code of Bungie.net's OAuth flow for the RaidHub user
/// token of the player Bungie says it is, so no shared client secret is involved.
public struct BungieSignInEndpoint: Sendable {
    /// Time kept back from the invocation's deadline to mint and answer after Bungie's calls.
    static let answerMarginMilliseconds: Int64 = 250

    private let client: BungieClient
    private let issuer: RaidHubTokenIssuer
    private let clock: any WallClock

    /// An endpoint calling Bungie through `transport`, on `clock`'s time (what is left until the
    /// deadline, the token's times).
    public init(bungie: BungieConfiguration, keys: JWTKeySet, transport: any BungieTransport, clock: any WallClock) {
        client = BungieClient(configuration: bungie, transport: transport, clock: clock)
        issuer = RaidHubTokenIssuer(keys: keys)
        self.clock = clock
    }

    /// The answer to a body, with Bungie's calls bounded by the invocation's deadline.
    public func respond(to body: [UInt8], deadlineMilliseconds: Int64) -> APIResponse {
        let started = clock.now()
        let deadline = UnixTime(milliseconds: deadlineMilliseconds - Self.answerMarginMilliseconds)
        var bungieStatus = "NotCalled"
        var response: APIResponse
        do throws(APIError) {
            let request = try BungieSignInRequest(RequestBody.object(body))
            do {
                let (accessToken, bungieMembershipId) = try client.exchange(code: request.code, until: deadline)
                let destiny = try client.destinyMemberships(accessToken: accessToken, until: deadline)
                bungieStatus = "Success"
                let now = clock.now()
                // A token carries at most 64 Destiny ids; a player has a handful, so more is kept to the first 64.
                let claims = RaidHubClaims.user(
                    bungieMembershipId: bungieMembershipId, destinyMembershipIds: Array(destiny.prefix(RaidHubClaims.maximumDestinyMembershipIds)),
                    issuedAt: now.seconds)
                response = ResponseEnvelope.success(issuer.mint(claims), minted: now)
            } catch {
                bungieStatus = error.logStatus
                throw error.apiError
            }
        } catch {
            response = ResponseEnvelope.failure(error, minted: clock.now())
        }
        response.logDetails = ["bungieStatus": bungieStatus, "bungieMs": String(clock.now().milliseconds - started.milliseconds)]
        return response
    }
}
