import RaidHubYAML

/// An HTTP API Lambda authorizer as the template declares it, with the identity sources API
/// Gateway checks before invoking it, and whether API Gateway is allowed to invoke it at all.
public struct LambdaAuthorizer: Sendable, Equatable {
    /// One `Identity` entry, in the order SAM lists them: headers, query strings, stage
    /// variables, then context variables.
    public enum IdentitySource: Sendable, Equatable {
        case header(String)
        case queryString(String)
        case stageVariable(String)
        case context(String)

        /// API Gateway's spelling, as SAM writes it into the API: `$request.header.Authorization`.
        public var selectionExpression: String {
            switch self {
            case .header(let name): "$request.header.\(name)"
            case .queryString(let name): "$request.querystring.\(name)"
            case .stageVariable(let name): "$stageVariables.\(name)"
            case .context(let name): "$context.\(name)"
            }
        }
    }

    /// Its name in the API's `Auth.Authorizers`.
    public var name: String
    /// The logical id of the HTTP API it belongs to.
    public var apiId: String
    /// The authorizer function's logical id.
    public var functionId: String
    /// Every source must be present and non-empty, or API Gateway answers 401 without invoking
    /// the authorizer. None (SAM writes none when `Identity` names none) means always invoke.
    public var identitySources: [IdentitySource]
    /// `ReauthorizeEvery`: how long a decision is cached, keyed on the identity sources' values.
    /// Absent, API Gateway's default of 300 s (SAM then writes no TTL); caching needs identity
    /// sources, so with none it is always 0.
    public var reauthorizeEverySeconds: Int
    /// Whether API Gateway may invoke the function. SAM grants an HTTP API no permission on an
    /// authorizer unless it sets `EnableFunctionDefaultPermissions: true` or a
    /// `FunctionInvokeRole`, or the template has an `AWS::Lambda::Permission` for
    /// `apigateway.amazonaws.com` on that function; without one, every route it guards answers
    /// 500 on AWS, and so it does here.
    public var apiGatewayMayInvoke: Bool

    /// An authorizer invoking `functionId` after checking `identitySources`.
    public init(name: String = "", apiId: String = "", functionId: String, identitySources: [IdentitySource], reauthorizeEverySeconds: Int = 0,
                apiGatewayMayInvoke: Bool = true) {
        self.name = name
        self.apiId = apiId
        self.functionId = functionId
        self.identitySources = identitySources
        self.reauthorizeEverySeconds = identitySources.isEmpty ? 0 : max(0, min(reauthorizeEverySeconds, 3600))
        self.apiGatewayMayInvoke = apiGatewayMayInvoke
    }

    /// API Gateway's cache TTL for an authorizer whose template sets none: "If this field is not
    /// set, the default value is 300" (API Gateway V2's API model, `Authorizer`; decisions.md).
    static let defaultTTLSeconds = 300

    /// Reads one entry of an `HttpApi`'s `Auth.Authorizers`, whose `FunctionArn` the template
    /// reader resolved to `functionId`; a `ReauthorizeEvery` outside API Gateway's 0 to 3600 is
    /// refused, as at deploy.
    init(name: String, apiId: String, _ node: YAMLNode, functionId: String, apiGatewayMayInvoke: Bool, values: TemplateValues, place: [[String]]) throws {
        let identity = node["Identity"]
        var sources: [IdentitySource] = []
        for (key, make) in [("Headers", IdentitySource.header), ("QueryStrings", IdentitySource.queryString),
                            ("StageVariables", IdentitySource.stageVariable), ("Context", IdentitySource.context)] {
            sources += (values.strings(identity?[key]) ?? []).map(make)
        }
        let ttl = values.text(identity?["ReauthorizeEvery"])
        if let ttl, Int(ttl).map({ !(0...3600).contains($0) }) ?? true {
            throw TemplateError("\(apiId)'s authorizer \(name): ReauthorizeEvery must be 0 to 3600 seconds, not '\(ttl)'", at: place)
        }
        self.init(name: name, apiId: apiId, functionId: functionId, identitySources: sources,
                  reauthorizeEverySeconds: ttl.flatMap { Int($0) } ?? Self.defaultTTLSeconds, apiGatewayMayInvoke: apiGatewayMayInvoke)
    }

    /// The identity sources' values for a request, in order: nil when any is missing or empty.
    /// The runner has no stage variables, so a stage-variable source is always missing.
    package func identity(header: (String) -> String?, queryString: (String) -> String?, context: (String) -> String?) -> [String]? {
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
