import RaidHubHTTP
import RaidHubYAML

/// An HTTP API's `CorsConfiguration`, answered as API Gateway answers it: a preflight (`OPTIONS`
/// with `Origin` and `Access-Control-Request-Method`) gets 204 from the gateway itself, without
/// reaching a route; other answers to an allowed origin get `Access-Control-Allow-Origin` (and
/// the configured exposed headers and credentials), replacing any CORS headers the function set.
public struct CORSConfiguration: Sendable, Equatable {
    /// Allowed origins; `*` allows any.
    public var allowOrigins: [String]
    /// Methods a preflight advertises.
    public var allowMethods: [String]
    /// Request headers a preflight advertises.
    public var allowHeaders: [String]
    /// Response headers a browser may read.
    public var exposeHeaders: [String]
    /// Seconds a browser may cache a preflight.
    public var maxAge: Int?
    /// Whether credentials (cookies, Authorization) may be sent.
    public var allowCredentials: Bool

    /// A configuration with these settings.
    public init(allowOrigins: [String], allowMethods: [String] = [], allowHeaders: [String] = [], exposeHeaders: [String] = [],
                maxAge: Int? = nil, allowCredentials: Bool = false) {
        self.allowOrigins = allowOrigins
        self.allowMethods = allowMethods
        self.allowHeaders = allowHeaders
        self.exposeHeaders = exposeHeaders
        self.maxAge = maxAge
        self.allowCredentials = allowCredentials
    }

    /// Reads `CorsConfiguration`: `true` (SAM's shorthand: any origin, and nothing else set) or
    /// the map, its values written out or given by intrinsics (a `CommaDelimitedList`
    /// parameter's `!Ref`), or an `!If` choosing between whole configurations. `AllowOrigins`
    /// written as another intrinsic is refused: SAM takes it for the whole configuration (the
    /// other keys are dropped), and API Gateway is then given a list where it needs a map.
    init?(_ node: YAMLNode?, values: TemplateValues, apiId: String) throws {
        guard let written = node else { return nil }
        guard let node = values.chosen(written) else {
            throw TemplateError("\(apiId)'s CorsConfiguration depends on a condition local-runner cannot evaluate")
        }
        if values.bool(node) == true {
            self.init(allowOrigins: ["*"])
            return
        }
        guard node.entries != nil else { return nil }
        if let origins = node["AllowOrigins"], TemplateValues.intrinsic(origins) != nil, !origins.isRef {
            throw TemplateError("\(apiId)'s CorsConfiguration.AllowOrigins is an intrinsic function, which SAM takes for the whole "
                + "CorsConfiguration (dropping the other keys, and handing API Gateway a list where it needs a map): "
                + "write the !If around the whole CorsConfiguration, or AllowOrigins as a list or a parameter's !Ref")
        }
        let list = { (key: String) in values.strings(node[key]) ?? [] }
        self.init(allowOrigins: list("AllowOrigins"), allowMethods: list("AllowMethods"), allowHeaders: list("AllowHeaders"),
                  exposeHeaders: list("ExposeHeaders"), maxAge: values.text(node["MaxAge"]).flatMap { Int($0) },
                  allowCredentials: values.bool(node["AllowCredentials"]) == true)
    }

    /// The gateway's answer to a preflight, nil when `request` is not one.
    package func preflight(_ request: HTTPRequest) -> HTTPResponse? {
        guard request.method == "OPTIONS", request.header("origin") != nil, request.header("access-control-request-method") != nil else { return nil }
        guard let origin = allowedOrigin(request) else { return HTTPResponse(status: 204) }  // the browser then refuses
        var headers = [HTTPField(name: "Access-Control-Allow-Origin", value: origin)]
        if !allowMethods.isEmpty { headers.append(HTTPField(name: "Access-Control-Allow-Methods", value: allowMethods.joined(separator: ","))) }
        if !allowHeaders.isEmpty { headers.append(HTTPField(name: "Access-Control-Allow-Headers", value: allowHeaders.map { $0.lowercased() }.joined(separator: ","))) }
        if let maxAge { headers.append(HTTPField(name: "Access-Control-Max-Age", value: String(maxAge))) }
        if allowCredentials { headers.append(HTTPField(name: "Access-Control-Allow-Credentials", value: "true")) }
        return HTTPResponse(status: 204, headers: headers)
    }

    /// `response` as the gateway returns it to `request`: the function's own CORS headers
    /// dropped, the configuration's added for an allowed origin.
    package func decorate(_ response: HTTPResponse, for request: HTTPRequest) -> HTTPResponse {
        var decorated = response
        decorated.headers.removeAll { $0.name.lowercased().hasPrefix("access-control-") }
        guard let origin = allowedOrigin(request) else { return decorated }
        decorated.headers.append(HTTPField(name: "Access-Control-Allow-Origin", value: origin))
        if !exposeHeaders.isEmpty { decorated.headers.append(HTTPField(name: "Access-Control-Expose-Headers", value: exposeHeaders.joined(separator: ","))) }
        if allowCredentials { decorated.headers.append(HTTPField(name: "Access-Control-Allow-Credentials", value: "true")) }
        return decorated
    }

    /// The value of `Access-Control-Allow-Origin` for the request's `Origin`, nil if not allowed.
    private func allowedOrigin(_ request: HTTPRequest) -> String? {
        guard let origin = request.header("origin") else { return nil }
        // With credentials a wildcard is refused at start, as API Gateway refuses it at deploy.
        if allowOrigins.contains("*") { return "*" }
        return allowOrigins.contains { $0.lowercased() == origin.lowercased() } ? origin : nil
    }
}
