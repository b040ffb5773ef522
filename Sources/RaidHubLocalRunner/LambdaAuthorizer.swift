import RaidHubYAML

/// An HTTP API Lambda authorizer as the template declares it, with the identity sources API
/// Gateway checks before invoking it.
public struct LambdaAuthorizer: Sendable, Equatable {
    /// One `Identity` entry, in the order SAM lists them: headers, query strings, stage
    /// variables, then context variables.
    public enum IdentitySource: Sendable, Equatable {
        case header(String)
        case queryString(String)
        case stageVariable(String)
        case context(String)
    }

    /// The authorizer function's logical id.
    public var functionId: String
    /// Every source must be present and non-empty, or API Gateway answers 401 without invoking
    /// the authorizer. None (SAM writes none when `Identity` names none) means always invoke.
    public var identitySources: [IdentitySource]
    /// `ReauthorizeEvery`: how long a decision is cached, keyed on the identity sources' values.
    /// Absent means 0 (SAM then writes no TTL); caching needs identity sources, so with none it
    /// is always 0.
    public var reauthorizeEverySeconds: Int

    /// An authorizer invoking `functionId` after checking `identitySources`.
    public init(functionId: String, identitySources: [IdentitySource], reauthorizeEverySeconds: Int = 0) {
        self.functionId = functionId
        self.identitySources = identitySources
        self.reauthorizeEverySeconds = identitySources.isEmpty ? 0 : max(0, min(reauthorizeEverySeconds, 3600))
    }

    /// Reads one entry of an `HttpApi`'s `Auth.Authorizers`, whose `FunctionArn` the template
    /// reader resolved to `functionId`.
    init(_ node: YAMLNode, functionId: String) {
        let identity = node["Identity"]
        var sources: [IdentitySource] = []
        for (key, make) in [("Headers", IdentitySource.header), ("QueryStrings", IdentitySource.queryString),
                            ("StageVariables", IdentitySource.stageVariable), ("Context", IdentitySource.context)] {
            sources += (identity?[key]?.items ?? []).compactMap { $0.text.map(make) }
        }
        self.init(functionId: functionId, identitySources: sources,
                  reauthorizeEverySeconds: identity?["ReauthorizeEvery"]?.text.flatMap { Int($0) } ?? 0)
    }

    /// The identity sources' values for a request, in order: nil when any is missing or empty.
    /// The runner has no stage variables, so a stage-variable source is always missing.
    func identity(header: (String) -> String?, queryString: (String) -> String?, context: (String) -> String?) -> [String]? {
        var values: [String] = []
        for source in identitySources {
            let value: String?
            switch source {
            case .header(let name): value = header(name)
            case .queryString(let name): value = queryString(name)
            case .stageVariable: value = nil
            case .context(let name): value = context(name)
            }
            guard let value, !value.isEmpty else { return nil }
            values.append(value)
        }
        return values
    }
}
