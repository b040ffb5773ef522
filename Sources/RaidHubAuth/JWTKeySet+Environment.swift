import RaidHubJWT

extension JWTKeySet {
    /// `JWT_SECRET` (required) and `JWT_SECRET_PREVIOUS` (optional), each at least 32 bytes.
    public init(environment: [String: String]) throws(ConfigurationError) {
        let current = try Self.key(EnvironmentVariable.required(EnvironmentVariable.jwtSecret, in: environment),
                                   variable: EnvironmentVariable.jwtSecret)
        let previous = try EnvironmentVariable.optional(EnvironmentVariable.jwtSecretPrevious, in: environment).map {
            (secret: String) throws(ConfigurationError) -> HS256Key in
            try Self.key(secret, variable: EnvironmentVariable.jwtSecretPrevious)
        }
        self.init(current: current, previous: previous)
    }

    private static func key(_ secret: String, variable: String) throws(ConfigurationError) -> HS256Key {
        do {
            return try HS256Key(secret: secret)
        } catch {
            throw ConfigurationError(variable: variable, problem: .tooShort(minimumByteCount: HS256Key.minimumByteCount))
        }
    }
}
