import RaidHubAPIGateway
import RaidHubAuth
import RaidHubJWT
import RaidHubLambda
import RaidHubTime

/// The Lambda authorizer guarding RaidHub's protected routes: a valid token is allowed (admin
/// routes only for admin tokens) with its claims as context; anything else is a clean deny.
public struct AuthorizerFunction: LambdaHandler {
    private let verifier: RaidHubTokenVerifier
    private let adminRoutes: AdminRoutes
    private let clock: any WallClock

    /// An authorizer configured directly.
    public init(verifier: RaidHubTokenVerifier, adminRoutes: AdminRoutes, clock: any WallClock) {
        self.verifier = verifier
        self.adminRoutes = adminRoutes
        self.clock = clock
    }

    /// Configured from `JWT_SECRET`, `JWT_SECRET_PREVIOUS`, `ADMIN_ROUTE_PREFIXES`, `JWT_LEEWAY_SECONDS`.
    public init(environment: [String: String], clock: any WallClock = SystemWallClock()) throws(ConfigurationError) {
        let keys = try JWTKeySet(environment: environment)
        var leeway = JWTVerifier.defaultLeewaySeconds
        if let text = EnvironmentVariable.optional(EnvironmentVariable.jwtLeewaySeconds, in: environment) {
            guard let seconds = Int64(text), (0...300).contains(seconds) else {
                throw ConfigurationError(variable: EnvironmentVariable.jwtLeewaySeconds, problem: .invalid("must be a whole number of seconds from 0 to 300"))
            }
            leeway = seconds
        }
        let routes: AdminRoutes
        do {
            routes = try AdminRoutes(configuration: environment[EnvironmentVariable.adminRoutePrefixes] ?? "")
        } catch {
            throw ConfigurationError(variable: EnvironmentVariable.adminRoutePrefixes, problem: .invalid("entries must be paths starting with '/'"))
        }
        self.init(verifier: RaidHubTokenVerifier(keys: keys, leewaySeconds: leeway), adminRoutes: routes, clock: clock)
    }

    public func handle(_ event: [UInt8], context: InvocationContext) throws(FunctionError) -> InvocationOutput {
        let request: AuthorizerRequest
        do { request = try AuthorizerRequest.decode(event) } catch { throw FunctionError(error) }
        switch decide(request) {
        case .success(let claims):
            return InvocationOutput(payload: answer(request, claims: claims), outcome: .authorization(allowed: true, reason: nil))
        case .failure(let denial):
            return InvocationOutput(payload: answer(request, claims: nil), outcome: .authorization(allowed: false, reason: denial.reason))
        }
    }

    /// The claims to allow with, or why the request is denied.
    func decide(_ request: AuthorizerRequest) -> Result<RaidHubClaims, Denial> {
        let token: String
        switch BearerCredential.token(in: request) {
        case .success(let found): token = found
        case .failure(let problem): return .failure(Denial(reason: problem.rawValue))
        }
        let claims: RaidHubClaims
        do { claims = try verifier.verify(token, now: clock.now()) } catch { return .failure(Denial(reason: error.description)) }
        if !claims.isAdmin, let path = request.routePath, adminRoutes.contains(path: path) {
            return .failure(Denial(reason: "admin route, token is not an admin's"))
        }
        return .success(claims)
    }

    /// Why a request was denied, for the log only: the caller learns nothing but "denied".
    struct Denial: Error, Equatable {
        let reason: String
    }

    private func answer(_ request: AuthorizerRequest, claims: RaidHubClaims?) -> [UInt8] {
        let context: KeyValuePairs<String, AuthorizerResponse.ContextValue> = claims.map { claims in
            [
                "bungieMembershipId": .string(claims.bungieMembershipId.description),
                "isAdmin": .bool(claims.isAdmin),
                "destinyMembershipIds": .string(claims.destinyMembershipIds.map(\.description).joined(separator: ",")),
            ]
        } ?? [:]
        switch request.kind {
        case .httpAPI:
            return AuthorizerResponse.simple(isAuthorized: claims != nil, context: context)
        case .restToken, .restRequest:
            return policy(for: request, claims: claims, context: context)
        }
    }

    /// Allow the whole stage and deny its admin routes to non-admins, so that a cached policy is
    /// right for every route; a denied request gets a Deny on the whole stage.
    private func policy(
        for request: AuthorizerRequest, claims: RaidHubClaims?, context: KeyValuePairs<String, AuthorizerResponse.ContextValue>
    ) -> [UInt8] {
        let arn = request.resourceARN ?? "*"
        let stage = MethodARN(arn).map { $0.stageARN + "/*" } ?? arn
        guard let claims else {
            return AuthorizerResponse.policy(principalId: "anonymous", allowed: [], denied: [stage], context: [:])
        }
        let denied = claims.isAdmin ? [] : MethodARN(arn).map { adminRoutes.resources(stageARN: $0.stageARN) } ?? []
        return AuthorizerResponse.policy(
            principalId: claims.bungieMembershipId.description, allowed: [stage], denied: denied, context: context)
    }
}
