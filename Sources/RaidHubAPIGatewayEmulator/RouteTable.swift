import RaidHubTemplate

/// Finds the template route for a request: exact method or `ANY`, path segments literal,
/// `{name}` (one segment) or `{name+}` (the rest).
///
/// Where several routes match, the most specific wins, as API Gateway chooses (its developer
/// guide, "Routing API requests"): a full match before a greedy `{proxy+}`, a literal segment
/// before a variable one, segment by segment from the left (`/pets/dog/1` before
/// `/pets/dog/{id}` before `/pets/{proxy+}`), a route's own method before `ANY`, and the
/// `$default` route last. The template's order never matters.
struct RouteTable: Sendable {
    let routes: [SAMTemplate.Route]

    /// The route for a request, and its path parameters; the `$default` route when no other
    /// matches, as HTTP APIs choose. Without a method, the most specific route of the path,
    /// whatever its method (whose API a CORS preflight is for).
    func match(method: String?, path: String) -> (SAMTemplate.Route, [String: String])? {
        let segments = Array(path.split(separator: "/", omittingEmptySubsequences: false).dropFirst())
        var best: (route: SAMTemplate.Route, parameters: [String: String], rank: Specificity)?
        for route in routes where !route.isCatchAll && (method == nil || route.method == method || route.method == "ANY") {
            guard let (parameters, pathRank) = Self.parameters(route.path, segments) else { continue }
            let rank = Specificity(path: pathRank, ownMethod: route.method != "ANY")
            if best.map({ rank > $0.rank }) ?? true { best = (route, parameters, rank) }
        }
        if let best { return (best.route, best.parameters) }
        return routes.first(where: \.isCatchAll).map { ($0, [:]) }
    }

    /// How specific a matching route is; greater is more specific.
    private struct Specificity: Comparable {
        /// The route's path: not greedy before greedy, then each segment's kind from the left.
        var path: PathRank
        /// The request's method named by the route, rather than `ANY`.
        var ownMethod: Bool

        static func < (a: Self, b: Self) -> Bool {
            a.path != b.path ? a.path < b.path : (!a.ownMethod && b.ownMethod)
        }
    }

    private struct PathRank: Comparable {
        var greedy: Bool
        /// Per segment before any greedy variable: 2 literal, 1 a `{name}` variable.
        var segmentKinds: [UInt8]

        static func < (a: Self, b: Self) -> Bool {
            if a.greedy != b.greedy { return a.greedy }
            // Both full matches have one segment kind per request segment; greedy ones may differ
            // in length, and the one matching more segments before its greedy part is more specific.
            return a.segmentKinds.lexicographicallyPrecedes(b.segmentKinds)
        }
    }

    private static func parameters(_ template: String, _ segments: [Substring]) -> ([String: String], PathRank)? {
        let parts = template.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        var parameters: [String: String] = [:]
        var kinds: [UInt8] = []
        for (index, part) in parts.enumerated() {
            if part.hasPrefix("{"), part.hasSuffix("+}") {
                // It catches child resources only: `/{proxy+}` is not `/`, nor `/pets/{proxy+}` `/pets/`.
                guard index < segments.count else { return nil }
                let rest = segments[index...].joined(separator: "/")
                guard !rest.isEmpty else { return nil }
                parameters[String(part.dropFirst().dropLast(2))] = rest
                return (parameters, PathRank(greedy: true, segmentKinds: kinds))
            }
            guard index < segments.count else { return nil }
            if part.hasPrefix("{"), part.hasSuffix("}") {
                guard !segments[index].isEmpty else { return nil }
                parameters[String(part.dropFirst().dropLast())] = String(segments[index])
                kinds.append(1)
            } else if part != segments[index] {
                return nil
            } else {
                kinds.append(2)
            }
        }
        return parts.count == segments.count ? (parameters, PathRank(greedy: false, segmentKinds: kinds)) : nil
    }
}
