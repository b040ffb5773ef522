/// A set of routes named by path prefix (`/admin` covers `/admin` and `/admin/...`, not
/// `/administrators`): the authorizer's admin-only routes and its optional-auth routes.
public struct RoutePrefixes: Sendable, Equatable {
    /// The prefixes, each starting with `/` and without a trailing `/`.
    public let prefixes: [String]

    /// The routes under `prefixes`.
    public init(prefixes: [String]) {
        self.prefixes = prefixes
    }

    /// Parses a variable such as `ADMIN_ROUTE_PREFIXES`: comma-separated, blanks ignored; each
    /// entry must start with `/`.
    public init(configuration: String) throws(RoutePrefixesError) {
        var prefixes: [String] = []
        for part in configuration.split(separator: ",") {
            var prefix = part.trimmingSpaces()
            guard !prefix.isEmpty else { continue }
            guard prefix.hasPrefix("/") else { throw RoutePrefixesError(prefix: prefix) }
            while prefix.count > 1, prefix.hasSuffix("/") { prefix.removeLast() }
            prefixes.append(prefix)
        }
        self.init(prefixes: prefixes)
    }

    /// Whether `path` is one of these routes.
    public func contains(path: String) -> Bool {
        prefixes.contains { prefix in prefix == "/" || path == prefix || path.hasPrefix(prefix + "/") }
    }

    /// IAM resources covering these routes on a stage, for a policy statement:
    /// `{stage}/*{prefix}` and `{stage}/*{prefix}/*` (the `*` is the method).
    public func resources(stageARN: String) -> [String] {
        var resources: [String] = []
        for prefix in prefixes {
            let route = stageARN + "/*" + (prefix == "/" ? "" : prefix)
            resources.append(route)
            resources.append(route + "/*")
        }
        return resources
    }
}

/// A route prefix entry that is not a path.
public struct RoutePrefixesError: Error, Sendable, Equatable {
    /// The entry (route prefixes are configuration, not secrets).
    public let prefix: String
}
