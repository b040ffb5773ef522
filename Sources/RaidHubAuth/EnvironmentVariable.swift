/// The environment variables the functions read, named once.
public enum EnvironmentVariable {
    /// The HS256 key that signs and verifies; at least 32 bytes.
    public static let jwtSecret = "JWT_SECRET"
    /// A key accepted for verification only, during a rotation.
    public static let jwtSecretPrevious = "JWT_SECRET_PREVIOUS"
    /// The website backend's secret for `/authorize/user`.
    public static let clientSecret = "CLIENT_SECRET"
    /// The admin tool's secret for `/authorize/admin`.
    public static let adminClientSecret = "ADMIN_CLIENT_SECRET"

    /// The authorizer's admin-only routes: comma-separated path prefixes, e.g. `/admin,/internal`.
    public static let adminRoutePrefixes = "ADMIN_ROUTE_PREFIXES"
    /// The authorizer's optional-auth routes, e.g. `/player`: a caller without a token is let
    /// through as anonymous; a caller with a bad token is still denied.
    public static let optionalAuthRoutePrefixes = "OPTIONAL_AUTH_ROUTE_PREFIXES"
    /// The authorizer's tolerance for `iat` in the future, in seconds (0...300, default 60).
    public static let jwtLeewaySeconds = "JWT_LEEWAY_SECONDS"

    /// The value of `name`: set and non-empty, or a `ConfigurationError` naming it.
    public static func required(_ name: String, in environment: [String: String]) throws(ConfigurationError) -> String {
        guard let value = environment[name] else { throw ConfigurationError(variable: name, problem: .missing) }
        guard !value.isEmpty else { throw ConfigurationError(variable: name, problem: .empty) }
        return value
    }

    /// The value of `name`, or nil when it is unset or empty (SAM writes an unused optional
    /// parameter as an empty string, which must mean "not configured", not "an empty key").
    public static func optional(_ name: String, in environment: [String: String]) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }
}
