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
    /// The routes but `$default`, each path cut into its parts once, here.
    private let entries: [Entry]
    private let catchAll: SAMTemplate.Route?

    /// A table of `routes`.
    init(routes: [SAMTemplate.Route]) {
        entries = routes.filter { !$0.isCatchAll }.map(Entry.init)
        catchAll = routes.first(where: \.isCatchAll)
    }

    /// The route for a request, and its path parameters; the `$default` route when no other
    /// matches, as HTTP APIs choose. Without a method, the most specific route of the path,
    /// whatever its method (whose API a CORS preflight is for).
    func match(method: String?, path: String) -> (SAMTemplate.Route, [String: String])? {
        let segments = Array(path.split(separator: "/", omittingEmptySubsequences: false).dropFirst())
        // Every route is looked at, no parameter is taken until the best is known: requests
        // pay for the comparison only, not for an allocation per route.
        var best: Entry?
        for entry in entries where method == nil || entry.method == method || entry.method == "ANY" {
            guard entry.matches(segments), best.map({ entry.specificity > $0.specificity }) ?? true else { continue }
            best = entry
        }
        if let best { return (best.route, best.parameters(segments)) }
        return catchAll.map { ($0, [:]) }
    }

    /// A route with its path's parts and how specific it is, both known from the template.
    private struct Entry: Sendable {
        enum Part: Sendable, Equatable {
            case literal(String)
            /// `{name}`: one non-empty segment.
            case variable(String)
            /// `{name+}`: one or more segments, the rest of the path.
            case greedy(String)
        }

        let route: SAMTemplate.Route
        let method: String
        let parts: [Part]
        let specificity: Specificity

        init(_ route: SAMTemplate.Route) {
            self.route = route
            method = route.method
            var parts: [Part] = []
            for part in route.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
                if part.hasPrefix("{"), part.hasSuffix("+}") {
                    parts.append(.greedy(String(part.dropFirst().dropLast(2))))
                    break  // nothing after a greedy variable is ever matched
                }
                parts.append(part.hasPrefix("{") && part.hasSuffix("}") ? .variable(String(part.dropFirst().dropLast())) : .literal(String(part)))
            }
            self.parts = parts
            let kinds = parts.compactMap { part -> UInt8? in
                switch part {
                case .literal: 2
                case .variable: 1
                case .greedy: nil
                }
            }
            let greedy = if case .greedy = parts.last { true } else { false }
            specificity = Specificity(path: PathRank(greedy: greedy, segmentKinds: kinds), ownMethod: route.method != "ANY")
        }

        /// Whether the request's path segments fit the route's parts.
        func matches(_ segments: [Substring]) -> Bool {
            for (index, part) in parts.enumerated() {
                switch part {
                case .greedy:
                    // It catches child resources only: `/{proxy+}` is not `/`, nor `/pets/{proxy+}` `/pets/`.
                    guard index < segments.count else { return false }
                    return segments.count - index > 1 || !segments[index].isEmpty
                case .variable:
                    guard index < segments.count, !segments[index].isEmpty else { return false }
                case .literal(let text):
                    guard index < segments.count, segments[index] == text else { return false }
                }
            }
            return parts.count == segments.count
        }

        /// The path parameters of segments this route matches.
        func parameters(_ segments: [Substring]) -> [String: String] {
            var parameters: [String: String] = [:]
            for (index, part) in parts.enumerated() {
                switch part {
                case .greedy(let name): parameters[name] = segments[index...].joined(separator: "/")
                case .variable(let name): parameters[name] = String(segments[index])
                case .literal: break
                }
            }
            return parameters
        }
    }

    /// How specific a matching route is; greater is more specific.
    private struct Specificity: Comparable, Sendable {
        /// The route's path: not greedy before greedy, then each segment's kind from the left.
        var path: PathRank
        /// The request's method named by the route, rather than `ANY`.
        var ownMethod: Bool

        static func < (a: Self, b: Self) -> Bool {
            a.path != b.path ? a.path < b.path : (!a.ownMethod && b.ownMethod)
        }
    }

    private struct PathRank: Comparable, Sendable {
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
}
