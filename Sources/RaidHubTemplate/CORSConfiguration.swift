import RaidHubYAML

/// An HTTP API's `CorsConfiguration` as the template declares it (the gateway answers with it:
/// `CORSConfiguration+Answers` in RaidHubAPIGatewayEmulator).
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
}
