import RaidHubJSON

/// A Lambda authorizer event: HTTP API 2.0 REQUEST, REST TOKEN, or REST REQUEST.
public struct AuthorizerRequest: Sendable, Equatable {
    /// Which event it was, which fixes the answer's shape.
    public enum Kind: Sendable, Equatable {
        /// HTTP API payload 2.0: answered with a simple response.
        case httpAPI
        /// REST API TOKEN authorizer: answered with an IAM policy.
        case restToken
        /// REST API REQUEST authorizer: answered with an IAM policy.
        case restRequest
    }

    /// Which event it was.
    public let kind: Kind
    /// The `Authorization` header (for a TOKEN event, the identity source's value).
    public let authorization: String?
    /// The `x-raidhub-user-authorization` header.
    public let raidHubAuthorization: String?
    /// The path of the route being called, when the event tells it.
    public let routePath: String?
    /// `methodArn` (REST) or `routeArn` (HTTP API).
    public let resourceARN: String?

    /// Decodes an authorizer event; anything else is an error reported through the Runtime API.
    public static func decode(_ event: [UInt8]) throws(APIGatewayEventError) -> AuthorizerRequest {
        let object = try APIGatewayEventError.object(event)
        let type = object["type"]?.stringValue
        switch PayloadFormat.of(object, requiring: "methodArn") {
        case .version2? where type == "REQUEST":
            let headers = HTTPHeaders.from(object["headers"])
            return AuthorizerRequest(
                kind: .httpAPI, authorization: headers["authorization"],
                raidHubAuthorization: headers["x-raidhub-user-authorization"],
                routePath: Self.routePath(routeKey: object["routeKey"]?.stringValue, rawPath: object["rawPath"]?.stringValue),
                resourceARN: object["routeArn"]?.stringValue)
        case .version1? where type == "TOKEN":
            let arn = object["methodArn"]?.stringValue
            return AuthorizerRequest(
                kind: .restToken, authorization: object["authorizationToken"]?.stringValue, raidHubAuthorization: nil,
                routePath: arn.flatMap { MethodARN($0)?.path }, resourceARN: arn)
        case .version1? where type == "REQUEST":
            let headers = HTTPHeaders.from(object["headers"])
            let arn = object["methodArn"]?.stringValue
            return AuthorizerRequest(
                kind: .restRequest, authorization: headers["authorization"],
                raidHubAuthorization: headers["x-raidhub-user-authorization"],
                routePath: object["path"]?.stringValue ?? arn.flatMap { MethodARN($0)?.path }, resourceARN: arn)
        default:
            throw .unknownShape("not an API Gateway authorizer event (2.0 REQUEST, 1.0 TOKEN or 1.0 REQUEST)")
        }
    }

    /// The route's own path: from `routeKey` ("GET /admin/{proxy+}"), which does not carry a
    /// stage prefix, else from `rawPath`.
    private static func routePath(routeKey: String?, rawPath: String?) -> String? {
        if let routeKey, routeKey != "$default", let space = routeKey.firstIndex(of: " ") {
            return String(routeKey[routeKey.index(after: space)...])
        }
        return rawPath
    }
}
