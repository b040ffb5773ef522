import RaidHubAPIGateway
import RaidHubAuth
import RaidHubJWT
import RaidHubLambda
import RaidHubTime

/// The Lambda authorizer guarding RaidHub's protected routes: a valid token is allowed (admin
/// routes only for admin tokens) with its claims as context; a caller with no token at all is
/// allowed as anonymous on optional-auth routes; anything else is a clean deny.
public struct AuthorizerFunction: LambdaHandler {
    private let verifier: RaidHubTokenVerifier
    private let adminRoutes: RoutePrefixes
    private let optionalAuthRoutes: RoutePrefixes
    private let clock: any WallClock

    /// An authorizer configured directly.
    public init(verifier: RaidHubTokenVerifier, adminRoutes: RoutePrefixes, optionalAuthRoutes: RoutePrefixes = RoutePrefixes(prefixes: []), clock: any WallClock) {
        self.verifier = verifier
        self.adminRoutes = adminRoutes
        self.optionalAuthRoutes = optionalAuthRoutes
        self.clock = clock
    }

    /// Configured from `JWT_SECRET`, `JWT_SECRET_PREVIOUS`, `ADMIN_ROUTE_PREFIXES`,
    /// `OPTIONAL_AUTH_ROUTE_PREFIXES`, `JWT_LEEWAY_SECONDS`.
    public init(environment: [String: String], clock: any WallClock = SystemWallClock()) throws(ConfigurationError) {
        let keys = try JWTKeySet(environment: environment)
        var leeway = JWTVerifier.defaultLeewaySeconds
        if let text = EnvironmentVariable.optional(EnvironmentVariable.jwtLeewaySeconds, in: environment) {
            guard let seconds = Int64(text), (0...300).contains(seconds) else {
                throw ConfigurationError(variable: EnvironmentVariable.jwtLeewaySeconds, problem: .invalid("must be a whole number of seconds from 0 to 300"))
            }
            leeway = seconds
        }
        self.init(
            verifier: RaidHubTokenVerifier(keys: keys, leewaySeconds: leeway),
            adminRoutes: try Self.routes(EnvironmentVariable.adminRoutePrefixes, in: environment),
            optionalAuthRoutes: try Self.routes(EnvironmentVariable.optionalAuthRoutePrefixes, in: environment),
            clock: clock)
    }

    private static func routes(_ variable: String, in environment: [String: String]) throws(ConfigurationError) -> RoutePrefixes {
        do {
            return try RoutePrefixes(configuration: environment[variable] ?? "")
        } catch {
            throw ConfigurationError(variable: variable, problem: .invalid("entries must be paths starting with '/'"))
        }
    }

    public func handle(_ event: [UInt8], context: InvocationContext) throws(FunctionError) -> InvocationOutput {
        let request: AuthorizerRequest
        do { request = try AuthorizerRequest.decode(event) } catch { throw FunctionError(error) }
        switch decide(request) {
        case .success(let caller):
            return InvocationOutput(payload: answer(request, caller: caller), outcome: .authorization(allowed: true, reason: nil))
        case .failure(let denial):
            return InvocationOutput(payload: answer(request, caller: nil), outcome: .authorization(allowed: false, reason: denial.reason))
        }
    }

    /// Who is allowed through: a verified token's holder, or nobody in particular.
    enum Caller: Equatable {
        case player(RaidHubClaims)
        case anonymous
    }

    /// The caller to allow, or why the request is denied.
    func decide(_ request: AuthorizerRequest) -> Result<Caller, Denial> {
        let token: String
        switch BearerCredential.token(in: request) {
        case .success(let found): token = found
        case .failure(.missing) where isOptionalAuth(request.routePath): return .success(.anonymous)
        case .failure(let problem): return .failure(Denial(reason: problem.rawValue))
        }
        let claims: RaidHubClaims
        do { claims = try verifier.verify(token, now: clock.now()) } catch { return .failure(Denial(reason: error.description)) }
        if !claims.isAdmin, let path = request.routePath, adminRoutes.contains(path: path) {
            return .failure(Denial(reason: "admin route, token is not an admin's"))
        }
        return .success(.player(claims))
    }

    /// An optional-auth route that is not also an admin route (admin wins where both match).
    private func isOptionalAuth(_ path: String?) -> Bool {
        guard let path else { return false }
        return optionalAuthRoutes.contains(path: path) && !adminRoutes.contains(path: path)
    }

    /// Why a request was denied, for the log only: the caller learns nothing but "denied".
    struct Denial: Error, Equatable {
        let reason: String
    }

    /// The context an allowed caller reaches the route with: always the same three keys, so a
    /// route reads one shape; an anonymous caller has an empty `bungieMembershipId`.
    private func context(for caller: Caller) -> KeyValuePairs<String, AuthorizerResponse.ContextValue> {
        switch caller {
        case .player(let claims):
            return [
                "bungieMembershipId": .string(claims.bungieMembershipId.description),
                "isAdmin": .bool(claims.isAdmin),
                "destinyMembershipIds": .string(claims.destinyMembershipIds.map(\.description).joined(separator: ",")),
            ]
        case .anonymous:
            return ["bungieMembershipId": .string(""), "isAdmin": .bool(false), "destinyMembershipIds": .string("")]
        }
    }

    private func answer(_ request: AuthorizerRequest, caller: Caller?) -> [UInt8] {
        switch request.kind {
        case .httpAPI:
            return AuthorizerResponse.simple(isAuthorized: caller != nil, context: caller.map(context(for:)) ?? [:])
        case .restToken, .restRequest:
            return policy(for: request, caller: caller)
        }
    }

    /// A policy right for every route of the stage, since REST APIs may cache it: a player is
    /// allowed the stage but denied its admin routes unless an admin; an anonymous caller is
    /// allowed only the optional-auth routes (admin routes still denied); a denied request gets
    /// a Deny on the whole stage.
    private func policy(for request: AuthorizerRequest, caller: Caller?) -> [UInt8] {
        let arn = request.resourceARN ?? "*"
        let stageARN = MethodARN(arn)?.stageARN
        let stage = stageARN.map { $0 + "/*" } ?? arn
        let adminResources = stageARN.map { adminRoutes.resources(stageARN: $0) } ?? []
        switch caller {
        case nil:
            return AuthorizerResponse.policy(principalId: "anonymous", allowed: [], denied: [stage], context: [:])
        case .anonymous?:
            let allowed = stageARN.map { optionalAuthRoutes.resources(stageARN: $0) } ?? []
            return AuthorizerResponse.policy(principalId: "anonymous", allowed: allowed, denied: adminResources, context: context(for: .anonymous))
        case .player(let claims)?:
            return AuthorizerResponse.policy(
                principalId: claims.bungieMembershipId.description, allowed: [stage], denied: claims.isAdmin ? [] : adminResources,
                context: context(for: .player(claims)))
        }
    }
}
