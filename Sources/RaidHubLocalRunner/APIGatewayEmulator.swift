import Foundation
import RaidHubHTTP
import RaidHubJSON

/// `start-api`: turns each HTTP request into the event API Gateway would send to the route's
/// function, runs its authorizer first when the template says so, and answers as API Gateway
/// would: the function's answer, or 404, 401, 403, 500, 502, 503, 504 with `{"message":…}`.
public struct APIGatewayEmulator: Sendable {
    private let runner: LocalRunner
    private let routes: RouteTable
    private let host: String
    private let decisions = AuthorizerDecisionCache()
    private let staticFiles: StaticFiles?
    private let authorizersEnabled: Bool

    /// An emulator for `runner`'s template, answering as `host` (e.g. `127.0.0.1:3000`); files in
    /// `staticDirectory` answer GETs no route takes (`--static-dir`); `authorizersEnabled` false
    /// serves every route as if it had none (`--disable-authorizer`).
    public init(runner: LocalRunner, host: String, staticDirectory: URL? = nil, authorizersEnabled: Bool = true) {
        self.runner = runner
        self.routes = RouteTable(routes: runner.template.routes)
        self.host = host
        self.staticFiles = staticDirectory.map(StaticFiles.init)
        self.authorizersEnabled = authorizersEnabled
    }

    /// The answer to one request, with its access line.
    public func respond(to request: HTTPRequest) -> HTTPResponse {
        let started = ContinuousClock.now
        var access = RunnerLog.Access(method: request.method, path: request.path, route: nil, function: nil, status: 0, duration: .zero,
                                      requestId: "")
        let response: HTTPResponse
        if let cors = runner.template.cors, let preflight = cors.preflight(request) {
            runner.runnerLog.debug("\(request.method) \(request.path): a CORS preflight, answered by the gateway from CorsConfiguration")
            access.route = "CORS preflight"
            response = preflight
        } else if let cors = runner.template.cors {
            response = cors.decorate(route(request, &access), for: request)
        } else {
            response = route(request, &access)
        }
        access.status = response.status
        if access.requestId.isEmpty { access.requestId = LocalIdentifier.uuid() }  // answered by the gateway alone
        access.duration = ContinuousClock.now - started
        runner.runnerLog.access(access)
        return response
    }

    /// The route's answer: the function's, or the gateway's own.
    private func route(_ request: HTTPRequest, _ access: inout RunnerLog.Access) -> HTTPResponse {
        let arrived = ContinuousClock.now
        guard let (route, parameters) = routes.match(method: request.method, path: request.path),
              let function = runner.template.function(named: route.functionId)
        else {
            if let file = staticFiles?.answer(request) {
                access.route = "static file"
                return file
            }
            runner.runnerLog.debug("\(request.method) \(request.path): no route matches; 404 as API Gateway answers")
            return .message(404, "Not Found")
        }
        let event = GatewayEvent(request: request, route: route, pathParameters: parameters, sourceIP: "127.0.0.1", host: host)
        access.route = route.isCatchAll ? route.path : "\(route.method) \(route.path)"
        access.function = function.logicalId
        access.requestId = event.requestId
        runner.runnerLog.debug("\(request.method) \(request.path): route \(access.route ?? "") → \(function.logicalId)"
            + (parameters.isEmpty ? "" : ", path parameters \(parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))"))
        var authorizerContext: JSONValue?
        if authorizersEnabled, let authorizer = route.authorizer {
            switch authorize(event, by: authorizer) {
            case .success(let context): authorizerContext = context
            case .failure(let answer): return answer.response
            }
        }
        do {
            // The integration timeout runs from the request's arrival, authorizer included.
            guard let result = try runner.pool(for: function).invoke(
                route.payloadVersion2 ? event.version2(authorizerContext: authorizerContext) : event.version1(),
                traceId: request.header("x-amzn-trace-id"), clientContext: nil,
                answerBy: arrived + .milliseconds(route.integrationTimeoutMilliseconds))
            else { return GatewayResponse.integrationTimedOut(payloadVersion2: route.payloadVersion2) }
            return GatewayResponse.from(result, payloadVersion2: route.payloadVersion2)
        } catch {
            return .message(502, "Internal Server Error")
        }
    }

    /// Runs the route's authorizer: 401 when an identity source is missing or empty (API Gateway
    /// does not even call the authorizer then), 403 when it denies, 500 when it fails.
    private func authorize(_ event: GatewayEvent, by authorizer: LambdaAuthorizer) -> Result<JSONValue?, AuthorizationAnswer> {
        guard let identity = event.identity(for: authorizer) else {
            runner.runnerLog.debug("authorizer \(authorizer.functionId) not called: an identity source is missing or empty (\(authorizer.identitySources)); 401")
            return .failure(AuthorizationAnswer(.message(401, "Unauthorized")))
        }
        let key = [authorizer.functionId] + identity
        let decision: AuthorizerDecisionCache.Decision
        if let cached = decisions.decision(for: key) {
            runner.runnerLog.debug("authorizer \(authorizer.functionId): cached decision used (ReauthorizeEvery \(authorizer.reauthorizeEverySeconds) s): \(cached.isAuthorized ? "allow" : "deny")")
            decision = cached
        } else {
            guard let function = runner.template.function(named: authorizer.functionId),
                  let result = try? runner.pool(for: function).invoke(event.authorizer(identity: identity), traceId: nil, clientContext: nil,
                                                                      answerBy: .now + Self.authorizerTimeout) ?? nil,
                  case .response(let payload) = result,
                  let answer = try? JSONParser.parse(payload).objectValue,
                  case .bool(let isAuthorized)? = answer["isAuthorized"]
            else { return .failure(AuthorizationAnswer(.message(500, "Internal Server Error"))) }
            decision = AuthorizerDecisionCache.Decision(isAuthorized: isAuthorized, context: answer["context"])
            decisions.store(decision, for: key, seconds: authorizer.reauthorizeEverySeconds)
            runner.runnerLog.debug("authorizer \(authorizer.functionId) called: \(isAuthorized ? "allow" : "deny")"
                + (authorizer.reauthorizeEverySeconds > 0 ? ", cached for \(authorizer.reauthorizeEverySeconds) s" : ""))
        }
        return decision.isAuthorized ? .success(decision.context) : .failure(AuthorizationAnswer(.message(403, "Forbidden")))
    }

    /// API Gateway waits 10 s for a Lambda authorizer, then answers 500.
    static let authorizerTimeout = Duration.seconds(10)

    private struct AuthorizationAnswer: Error {
        let response: HTTPResponse
        init(_ response: HTTPResponse) { self.response = response }
    }
}
