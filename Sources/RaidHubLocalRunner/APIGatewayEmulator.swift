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

    /// An emulator for `runner`'s template, answering as `host` (e.g. `127.0.0.1:3000`).
    public init(runner: LocalRunner, host: String) {
        self.runner = runner
        self.routes = RouteTable(routes: runner.template.routes)
        self.host = host
    }

    /// The answer to one request.
    public func respond(to request: HTTPRequest) -> HTTPResponse {
        guard let cors = runner.template.cors else { return route(request) }
        if let preflight = cors.preflight(request) { return preflight }
        return cors.decorate(route(request), for: request)
    }

    /// The route's answer: the function's, or the gateway's own.
    private func route(_ request: HTTPRequest) -> HTTPResponse {
        let arrived = ContinuousClock.now
        guard let (route, parameters) = routes.match(method: request.method, path: request.path),
              let function = runner.template.function(named: route.functionId)
        else { return .message(404, "Not Found") }
        let event = GatewayEvent(request: request, route: route, pathParameters: parameters, sourceIP: "127.0.0.1", host: host)
        var authorizerContext: JSONValue?
        if let authorizer = route.authorizer {
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
        guard let identity = event.identity(for: authorizer) else { return .failure(AuthorizationAnswer(.message(401, "Unauthorized"))) }
        let key = [authorizer.functionId] + identity
        let decision: AuthorizerDecisionCache.Decision
        if let cached = decisions.decision(for: key) {
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
