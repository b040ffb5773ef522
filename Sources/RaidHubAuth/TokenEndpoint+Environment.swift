import RaidHubJWT
import RaidHubTime

extension TokenEndpoint where Request == UserTokenRequest {
    /// Configured from `JWT_SECRET`, `JWT_SECRET_PREVIOUS` and `CLIENT_SECRET`.
    public init(environment: [String: String], clock: any WallClock = SystemWallClock()) throws(ConfigurationError) {
        let keys = try JWTKeySet(environment: environment)
        let secret = try EnvironmentVariable.required(EnvironmentVariable.clientSecret, in: environment)
        self.init(keys: keys, secret: ClientSecret(secret), clock: clock)
    }
}

extension TokenEndpoint where Request == AdminTokenRequest {
    /// Configured from `JWT_SECRET`, `JWT_SECRET_PREVIOUS` and `ADMIN_CLIENT_SECRET`, which must
    /// differ from `CLIENT_SECRET` when that is set too: one leaked secret must not grant both
    /// kinds of token.
    public init(environment: [String: String], clock: any WallClock = SystemWallClock()) throws(ConfigurationError) {
        let keys = try JWTKeySet(environment: environment)
        let admin = ClientSecret(try EnvironmentVariable.required(EnvironmentVariable.adminClientSecret, in: environment))
        if let client = EnvironmentVariable.optional(EnvironmentVariable.clientSecret, in: environment),
           admin.isSame(as: ClientSecret(client)) {
            throw ConfigurationError(variable: EnvironmentVariable.adminClientSecret, problem: .sameAs(EnvironmentVariable.clientSecret))
        }
        self.init(keys: keys, secret: admin, clock: clock)
    }
}
