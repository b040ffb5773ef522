import Foundation
import RaidHubEmulation
import RaidHubHTTP
import RaidHubJSON
import RaidHubTemplate
import Synchronization

/// Lambda as API Gateway reaches it: a route's integration and a Lambda authorizer are each an
/// Invoke call. The runner's Lambda emulator answers them (joined in RaidHubLocalRunner); a
/// gateway needs no sockets of its own to be tested.
public protocol LambdaIntegration: Sendable {
    /// Readies a route's function before anything else runs for the request (its authorizer
    /// included); throws when it cannot run at all (no executable, a Zip function), which API
    /// Gateway answers 502.
    func prepare(_ function: SAMTemplate.Function) throws

    /// Invokes `function` with `event` and returns at once: `answer` gets how it ended, or nil
    /// when `answerBy` came first. Returns what withdraws the call while it still waits for an
    /// instance; throws when the function cannot run at all, which for an authorizer API
    /// Gateway answers 500.
    func invoke(_ function: SAMTemplate.Function, event: [UInt8], traceId: String?, answerBy: ContinuousClock.Instant,
                answer: @escaping @Sendable (InvocationResult?) -> Void) throws -> (@Sendable () -> Void)?
}

/// `start-api`: turns each HTTP request into the event API Gateway would send to the route's
/// function, runs its authorizer first when the template says so, and answers as API Gateway
/// would: the function's answer, or 404, 401, 403, 500, 502, 503, 504 with `{"message":…}`.
public final class APIGatewayEmulator: Sendable {
    private let template: SAMTemplate
    private let lambda: any LambdaIntegration
    private let timekeeper: Timekeeper
    private let runnerLog: RunnerLog
    private let region: String
    private let routes: RouteTable
    private let host: String
    private let decisions: AuthorizerDecisionCache
    private let staticFiles: StaticFiles?
    private let authorizersEnabled: Bool

    /// An emulator of `template`'s APIs whose functions `lambda` runs, answering as `host` (e.g.
    /// `127.0.0.1:3000`) in `region`, on `timekeeper`'s time, with its access and `--debug` lines
    /// in `runnerLog`; files in `staticDirectory` answer GETs no route takes (`--static-dir`);
    /// `authorizersEnabled` false serves every route as if it had none (`--disable-authorizer`).
    public init(template: SAMTemplate, lambda: any LambdaIntegration, host: String, region: String, timekeeper: Timekeeper,
                runnerLog: RunnerLog, staticDirectory: URL? = nil, authorizersEnabled: Bool = true) {
        self.template = template
        self.lambda = lambda
        self.timekeeper = timekeeper
        self.runnerLog = runnerLog
        self.region = region
        self.routes = RouteTable(routes: template.routes)
        self.host = host
        self.staticFiles = staticDirectory.map(StaticFiles.init)
        self.decisions = AuthorizerDecisionCache(timekeeper: timekeeper)
        self.authorizersEnabled = authorizersEnabled
    }

    /// The answer to one request, with its access line; blocks until it is ready.
    public func respond(to request: HTTPRequest) -> HTTPResponse {
        waitForCompletion { respond(to: request, answer: $0) }
    }

    /// Answers one request through `answer`, once, with its access line; returns at once. The
    /// answer comes on whichever thread ends the work (the function's Runtime API loop), so a
    /// server's event loop can take requests without a thread each. `whenCallerLeaves`, when
    /// given, registers what to do if the client goes before its answer (an `HTTPResponder`'s
    /// `onClientGone`): a call still waiting for an instance is withdrawn, as a proxy stops
    /// work for a client that left, and logged 499.
    public func respond(to request: HTTPRequest, whenCallerLeaves: (@Sendable (@escaping @Sendable () -> Void) -> Void)? = nil,
                        answer: @escaping @Sendable (HTTPResponse) -> Void) {
        let started = timekeeper.now
        let access = RunnerLog.Access(method: request.method, path: request.path, route: nil, function: nil, status: 0, duration: .zero,
                                      requestId: "")
        let finish: @Sendable (HTTPResponse, RunnerLog.Access) -> Void = { [timekeeper, runnerLog] response, access in
            var access = access
            access.status = response.status
            if access.requestId.isEmpty { access.requestId = LocalIdentifier.uuid() }  // answered by the gateway alone
            access.duration = timekeeper.now - started
            runnerLog.access(access)
            answer(response)
        }
        // The API the request is for: its route's, or, for a preflight, that of a route of its path.
        let matched = routes.match(method: request.method, path: request.path)
        let cors = template.cors(for: (matched ?? routes.match(method: nil, path: request.path))?.0)
        if let cors, let preflight = cors.preflight(request) {
            runnerLog.debug("\(request.method) \(request.path): a CORS preflight, answered by the gateway from CorsConfiguration")
            var access = access
            access.route = "CORS preflight"
            return finish(preflight, access)
        }
        route(request, matched, access, whenCallerLeaves: whenCallerLeaves) { response, access in
            finish(cors.map { $0.decorate(response, for: request) } ?? response, access)
        }
    }

    /// The answer of the route `matched` (with its path parameters): the function's, or the gateway's own.
    private func route(_ request: HTTPRequest, _ matched: (SAMTemplate.Route, [String: String])?, _ access: RunnerLog.Access,
                       whenCallerLeaves: (@Sendable (@escaping @Sendable () -> Void) -> Void)?,
                       answer: @escaping @Sendable (HTTPResponse, RunnerLog.Access) -> Void) {
        var access = access
        let arrived = timekeeper.now
        guard let (route, parameters) = matched,
              let function = template.function(named: route.functionId)
        else {
            if let file = staticFiles?.answer(request) {
                access.route = "static file"
                return answer(file, access)
            }
            runnerLog.debug("\(request.method) \(request.path): no route matches; 404 as API Gateway answers")
            return answer(.message(404, "Not Found"), access)
        }
        let event = GatewayEvent(request: request, route: route, pathParameters: parameters, sourceIP: "127.0.0.1", host: host,
                                 region: region, timeEpochMilliseconds: timekeeper.wallMilliseconds)
        access.route = route.isCatchAll ? route.path : "\(route.method) \(route.path)"
        access.function = function.logicalId
        access.requestId = event.requestId
        runnerLog.debug("\(request.method) \(request.path): route \(access.route ?? "") → \(function.logicalId)"
            + (parameters.isEmpty ? "" : ", path parameters \(parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))"))
        do { try lambda.prepare(function) } catch { return answer(.message(502, "Internal Server Error"), access) }
        let traceId = request.header("x-amzn-trace-id")
        let done = access
        let invoke: @Sendable (JSONValue?) -> Void = { [lambda] authorizerContext in
            // The integration timeout runs from the request's arrival, authorizer included.
            let left = CallerLeft()
            let withdraw: (@Sendable () -> Void)?
            do {
                withdraw = try lambda.invoke(function, event: route.payloadVersion2 ? event.version2(authorizerContext: authorizerContext) : event.version1(),
                                             traceId: traceId, answerBy: arrived + .milliseconds(route.integrationTimeoutMilliseconds)) { result in
                    if left.happened { return answer(HTTPResponse(status: 499), done) }  // nginx's "client closed request", for the log
                    guard let result else { return answer(GatewayResponse.integrationTimedOut(httpAPI: route.isHTTPAPI), done) }
                    answer(GatewayResponse.from(result, route: route), done)
                }
            } catch {
                return answer(.message(502, "Internal Server Error"), done)
            }
            if let withdraw, let whenCallerLeaves {
                whenCallerLeaves {
                    left.happen()
                    withdraw()
                }
            }
        }
        guard authorizersEnabled, let authorizer = route.authorizer else { return invoke(nil) }
        authorize(event, by: authorizer) { decision in
            switch decision {
            case .success(let context): invoke(context)
            case .failure(let refusal): answer(refusal.response, done)
            }
        }
    }

    /// Runs the route's authorizer: 401 when an identity source is missing or empty (API Gateway
    /// does not even call the authorizer then), 403 when it denies, 500 when it fails.
    private func authorize(_ event: GatewayEvent, by authorizer: LambdaAuthorizer,
                           then proceed: @escaping @Sendable (Result<JSONValue?, AuthorizationAnswer>) -> Void) {
        guard let identity = event.identity(for: authorizer) else {
            runnerLog.debug("authorizer \(authorizer.functionId) not called: an identity source is missing or empty (\(authorizer.identitySources)); 401")
            return proceed(.failure(AuthorizationAnswer(.message(401, "Unauthorized"))))
        }
        let key = [authorizer.functionId] + identity
        let decide: @Sendable (AuthorizerDecisionCache.Decision) -> Void = { decision in
            proceed(decision.isAuthorized ? .success(decision.context) : .failure(AuthorizationAnswer(.message(403, "Forbidden"))))
        }
        if let cached = decisions.decision(for: key) {
            runnerLog.debug("authorizer \(authorizer.functionId): cached decision used (ReauthorizeEvery \(authorizer.reauthorizeEverySeconds) s): \(cached.isAuthorized ? "allow" : "deny")")
            return decide(cached)
        }
        let failed = AuthorizationAnswer(.message(500, "Internal Server Error"))
        guard authorizer.apiGatewayMayInvoke else {
            runnerLog.debug("authorizer \(authorizer.name) not called: API Gateway has no permission to invoke \(authorizer.functionId) "
                + "(EnableFunctionDefaultPermissions or FunctionInvokeRole); 500 as on AWS")
            return proceed(.failure(failed))
        }
        guard let function = template.function(named: authorizer.functionId) else { return proceed(.failure(failed)) }
        let (runnerLog, decisions) = (runnerLog, decisions)
        do {
            _ = try lambda.invoke(function, event: event.authorizer(identity: identity), traceId: nil, answerBy: timekeeper.now + Self.authorizerTimeout) { result in
            guard case .response(let payload)? = result, let answer = try? JSONParser.parse(payload).objectValue,
                  case .bool(let isAuthorized)? = answer["isAuthorized"]
            else { return proceed(.failure(failed)) }
            let decision = AuthorizerDecisionCache.Decision(isAuthorized: isAuthorized, context: answer["context"])
            decisions.store(decision, for: key, seconds: authorizer.reauthorizeEverySeconds)
            runnerLog.debug("authorizer \(authorizer.functionId) called: \(isAuthorized ? "allow" : "deny")"
                + (authorizer.reauthorizeEverySeconds > 0 ? ", cached for \(authorizer.reauthorizeEverySeconds) s" : ""))
            decide(decision)
            }
        } catch {
            runnerLog.debug("authorizer \(authorizer.functionId) cannot run: \(error); 500 as on AWS")
            proceed(.failure(failed))
        }
    }

    /// API Gateway waits 10 s for a Lambda authorizer, then answers 500.
    static let authorizerTimeout = Duration.seconds(10)

    private struct AuthorizationAnswer: Error, Sendable {
        let response: HTTPResponse
        init(_ response: HTTPResponse) { self.response = response }
    }
}

/// Whether a call's client has gone: set from the connection's side, read where the answer
/// comes. One atomic, not a lock: every request through a route makes one.
private final class CallerLeft: Sendable {
    private let left = Atomic(false)

    var happened: Bool { left.load(ordering: .acquiring) }

    func happen() { left.store(true, ordering: .releasing) }
}
