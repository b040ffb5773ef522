/// The routes only admin tokens may call, as path prefixes (`/admin` covers `/admin` and
/// `/admin/...`, not `/administrators`).
public struct AdminRoutes: Sendable, Equatable {
    /// The prefixes, each starting with `/` and without a trailing `/`.
    public let prefixes: [String]

    /// Admin routes under `prefixes`.
    public init(prefixes: [String]) {
        self.prefixes = prefixes
    }

    /// Parses `ADMIN_ROUTE_PREFIXES`: comma-separated, blanks ignored; each must start with `/`.
    public init(configuration: String) throws(AdminRoutesError) {
        var prefixes: [String] = []
        for part in configuration.split(separator: ",") {
            var prefix = part.trimmingSpaces()
            guard !prefix.isEmpty else { continue }
            guard prefix.hasPrefix("/") else { throw AdminRoutesError(prefix: prefix) }
            while prefix.count > 1, prefix.hasSuffix("/") { prefix.removeLast() }
            prefixes.append(prefix)
        }
        self.init(prefixes: prefixes)
    }

    /// Whether `path` is an admin-only route.
    public func contains(path: String) -> Bool {
        prefixes.contains { prefix in prefix == "/" || path == prefix || path.hasPrefix(prefix + "/") }
    }

    /// IAM resources covering the admin routes of a stage, for a Deny statement:
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

/// An `ADMIN_ROUTE_PREFIXES` entry that is not a path.
public struct AdminRoutesError: Error, Sendable, Equatable {
    /// The entry (route prefixes are configuration, not secrets).
    public let prefix: String
}
