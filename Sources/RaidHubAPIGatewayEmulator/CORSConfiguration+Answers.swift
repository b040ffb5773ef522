import RaidHubHTTP
import RaidHubTemplate

/// API Gateway's answers with an HTTP API's `CorsConfiguration`: a preflight (`OPTIONS` with
/// `Origin` and `Access-Control-Request-Method`) gets 204 from the gateway itself, without
/// reaching a route; other answers to an allowed origin get `Access-Control-Allow-Origin` (and
/// the configured exposed headers and credentials), replacing any CORS headers the function set.
extension CORSConfiguration {
    /// The gateway's answer to a preflight, nil when `request` is not one.
    func preflight(_ request: HTTPRequest) -> HTTPResponse? {
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
    func decorate(_ response: HTTPResponse, for request: HTTPRequest) -> HTTPResponse {
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
