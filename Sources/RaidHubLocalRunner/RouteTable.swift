/// Finds the template route for a request: exact method or `ANY`, path segments literal,
/// `{name}` (one segment) or `{name+}` (the rest).
struct RouteTable: Sendable {
    let routes: [SAMTemplate.Route]

    /// The route for a request, and its path parameters; the `$default` route when no other
    /// matches, as HTTP APIs choose. Without a method, the first route of the path, whatever
    /// its method (whose API a CORS preflight is for).
    func match(method: String?, path: String) -> (SAMTemplate.Route, [String: String])? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        for route in routes where !route.isCatchAll && (method == nil || route.method == method || route.method == "ANY") {
            if let parameters = Self.parameters(route.path, Array(segments)) { return (route, parameters) }
        }
        return routes.first(where: \.isCatchAll).map { ($0, [:]) }
    }

    private static func parameters(_ template: String, _ segments: [Substring]) -> [String: String]? {
        let parts = template.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        var parameters: [String: String] = [:]
        for (index, part) in parts.enumerated() {
            if part.hasPrefix("{"), part.hasSuffix("+}") {
                guard index < segments.count else { return nil }
                parameters[String(part.dropFirst().dropLast(2))] = segments[index...].joined(separator: "/")
                return parameters
            }
            guard index < segments.count else { return nil }
            if part.hasPrefix("{"), part.hasSuffix("}") {
                guard !segments[index].isEmpty else { return nil }
                parameters[String(part.dropFirst().dropLast())] = String(segments[index])
            } else if part != segments[index] {
                return nil
            }
        }
        return parts.count == segments.count ? parameters : nil
    }
}
