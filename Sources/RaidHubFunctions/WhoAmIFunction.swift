import RaidHubAPIGateway
import RaidHubAuth
import RaidHubJSON
import RaidHubLambda
import RaidHubTime

/// `GET /authorize/whoami`, behind the authorizer: answers the caller's claims as the authorizer
/// passed them, so a website can check a token and learn whose it is. It holds no secret: the
/// route is only reachable through the authorizer, which verified the token. On an optional-auth
/// route (`GET /player/whoami`) a caller without a token is answered as anonymous: a null
/// `bungieMembershipId`, no destiny ids, not an admin.
public struct WhoAmIFunction: LambdaHandler {
    private let clock: any WallClock

    /// A function that dates its answers with `clock`.
    public init(clock: any WallClock = SystemWallClock()) {
        self.clock = clock
    }

    public func handle(_ event: [UInt8], context: InvocationContext) throws(FunctionError) -> InvocationOutput {
        let request: APIGatewayRequest
        do { request = try APIGatewayRequest.decode(event) } catch { throw FunctionError(error) }
        let now = clock.now()
        let response: APIResponse
        if request.method != "GET" {
            response = ResponseEnvelope.failure(.methodNotAllowed(allowed: ["GET"]), minted: now)
        } else if let claims = request.authorizerContext, let bungie = claims["bungieMembershipId"]?.stringValue {
            response = ResponseEnvelope.success(minted: now) { writer in
                writer.openObject()
                writer.key("bungieMembershipId")
                // The authorizer's anonymous context: the same keys, with an empty id.
                if bungie.isEmpty { writer.null() } else { writer.string(bungie) }
                writer.key("destinyMembershipIds")
                writer.openArray()
                for id in (claims["destinyMembershipIds"]?.stringValue ?? "").split(separator: ",") { writer.string(String(id)) }
                writer.closeArray()
                writer.key("isAdmin")
                // REST authorizer contexts arrive as strings; HTTP API ones keep the boolean.
                writer.bool(claims["isAdmin"] == .bool(true) || claims["isAdmin"] == .string("true"))
                writer.closeObject()
            }
        } else {
            response = ResponseEnvelope.failure(.unauthorized, minted: now)
        }
        let payload = APIGatewayResponse.encode(status: response.status, headers: response.headers, body: response.body, format: request.format)
        return InvocationOutput(payload: payload, outcome: .http(status: response.status, errorCode: response.errorCode?.rawValue))
    }
}
