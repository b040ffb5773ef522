import RaidHubAuth
import RaidHubLambda

/// The deployable functions, each as its executable runs it: `functions/<name>/main.swift` only
/// calls `main()` on one of these.
public enum FunctionCatalog {
    private static let signingVariables: [(name: String, rule: String)] = [
        (EnvironmentVariable.jwtSecret, "required; the HS256 key, at least 32 bytes"),
        (EnvironmentVariable.jwtSecretPrevious, "optional; the key before the last rotation, accepted for verification only"),
    ]

    /// `authorize-user`: `POST /authorize/user`.
    public static let authorizeUser = FunctionProcess(
        name: "authorize-user",
        summary: "mints a 30-day RaidHub user token for a player's ids and the website's client secret",
        variables: signingVariables + [(EnvironmentVariable.clientSecret, "required; the website backend's client secret")],
        makeHandler: { try TokenEndpointFunction.user(environment: $0) })

    /// `authorize-admin`: `POST /authorize/admin`.
    public static let authorizeAdmin = FunctionProcess(
        name: "authorize-admin",
        summary: "mints a 1-hour RaidHub admin token for an admin's id and the admin client secret",
        variables: signingVariables + [
            (EnvironmentVariable.adminClientSecret, "required; the admin tool's secret, different from CLIENT_SECRET"),
        ],
        makeHandler: { try TokenEndpointFunction.admin(environment: $0) })

    /// `whoami`: `GET /authorize/whoami`, the caller's claims, behind the authorizer.
    public static let whoami = FunctionProcess(
        name: "whoami",
        summary: "answers the caller's token claims as the authorizer passed them (GET /authorize/whoami)",
        variables: [],
        makeHandler: { _ in WhoAmIFunction() })

    /// `authorizer`: the API Gateway Lambda authorizer for protected routes.
    public static let authorizer = FunctionProcess(
        name: "authorizer",
        summary: "API Gateway Lambda authorizer: allows requests bearing a valid RaidHub token",
        variables: signingVariables + [
            (EnvironmentVariable.adminRoutePrefixes, "optional; comma-separated path prefixes only admin tokens may call"),
            (EnvironmentVariable.optionalAuthRoutePrefixes, "optional; comma-separated path prefixes a caller without a token may call as anonymous"),
            (EnvironmentVariable.jwtLeewaySeconds, "optional; seconds a token's iat may lie in the future (0-300, default 60)"),
        ],
        makeHandler: { try AuthorizerFunction(environment: $0) })
}
