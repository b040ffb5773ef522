import RaidHubAPIGateway
import RaidHubAuth
import RaidHubLambda
import RaidHubTime

/// A POST endpoint as a Lambda handler (`authorize-user`, `authorize-admin`, `authorize-bungie`):
/// an API Gateway event in, the endpoint's answer out in the event's payload format.
public struct TokenEndpointFunction: LambdaHandler {
    private let respond: @Sendable ([UInt8], InvocationContext) -> APIResponse
    private let clock: any WallClock

    /// A function answering POST bodies with `respond`, which also gets the invocation's context
    /// (its deadline bounds any outbound call); `clock` dates the answers it makes itself.
    public init(clock: any WallClock, respond: @escaping @Sendable ([UInt8], InvocationContext) -> APIResponse) {
        self.respond = respond
        self.clock = clock
    }

    /// A function answering POST bodies with `respond`.
    public init(clock: any WallClock, respond: @escaping @Sendable ([UInt8]) -> APIResponse) {
        self.init(clock: clock) { body, _ in respond(body) }
    }

    /// `POST /authorize/user`, configured from the environment.
    public static func user(environment: [String: String], clock: any WallClock = SystemWallClock()) throws(ConfigurationError) -> TokenEndpointFunction {
        let endpoint = try UserTokenEndpoint(environment: environment, clock: clock)
        return TokenEndpointFunction(clock: clock, respond: endpoint.respond(to:))
    }

    /// `POST /authorize/admin`, configured from the environment.
    public static func admin(environment: [String: String], clock: any WallClock = SystemWallClock()) throws(ConfigurationError) -> TokenEndpointFunction {
        let endpoint = try AdminTokenEndpoint(environment: environment, clock: clock)
        return TokenEndpointFunction(clock: clock, respond: endpoint.respond(to:))
    }

    public func handle(_ event: [UInt8], context: InvocationContext) throws(FunctionError) -> InvocationOutput {
        let request: APIGatewayRequest
        do { request = try APIGatewayRequest.decode(event) } catch { throw FunctionError(error) }
        let response: APIResponse
        if request.method != "POST" {
            response = ResponseEnvelope.failure(.methodNotAllowed(), minted: clock.now())
        } else if let body = request.body {
            response = respond(body, context)
        } else {
            let issue = ValidationIssue(path: [], code: .invalidJSON, message: "Body is marked base64-encoded but is not valid base64")
            response = ResponseEnvelope.failure(.validation([issue]), minted: clock.now())
        }
        let payload = APIGatewayResponse.encode(
            status: response.status, headers: response.headers, body: response.body, format: request.format)
        return InvocationOutput(payload: payload, outcome: .http(status: response.status, errorCode: response.errorCode?.rawValue, details: response.logDetails))
    }
}
