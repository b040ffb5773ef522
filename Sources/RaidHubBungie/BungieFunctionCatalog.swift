import RaidHubAuth
import RaidHubFunctions
import RaidHubJWT
import RaidHubLambda
import RaidHubTime

/// `authorize-bungie` as its executable runs it. Kept apart from `FunctionCatalog` because it is
/// the only function that needs FoundationNetworking (for Bungie.net); the others stay free of it.
public enum BungieFunctionCatalog {
    /// `authorize-bungie`: `POST /authorize/bungie`.
    public static let authorizeBungie = FunctionProcess(
        name: "authorize-bungie",
        summary: "signs a player in with Bungie.net's OAuth code and mints their 30-day RaidHub user token",
        variables: [
            (EnvironmentVariable.jwtSecret, "required; the HS256 key, at least 32 bytes"),
            (EnvironmentVariable.jwtSecretPrevious, "optional; the key before the last rotation, accepted for verification only"),
            ("BUNGIE_CLIENT_ID", "required; RaidHub's OAuth client id at Bungie.net"),
            ("BUNGIE_CLIENT_SECRET", "required; RaidHub's OAuth client secret (confidential client)"),
            ("BUNGIE_API_KEY", "required; RaidHub's Bungie.net API key"),
            ("BUNGIE_BASE_URL", "optional; default https://www.bungie.net"),
        ],
        makeHandler: { environment in try function(environment: environment) })

    /// The handler, configured from the environment.
    public static func function(
        environment: [String: String], transport: any BungieTransport = URLSessionBungieTransport(), clock: any WallClock = SystemWallClock()
    ) throws(ConfigurationError) -> TokenEndpointFunction {
        let endpoint = BungieSignInEndpoint(
            bungie: try BungieConfiguration(environment: environment), keys: try JWTKeySet(environment: environment),
            transport: transport, clock: clock)
        return TokenEndpointFunction(clock: clock) { body, context in
            endpoint.respond(to: body, deadlineMilliseconds: context.deadlineMilliseconds)
        }
    }
}
