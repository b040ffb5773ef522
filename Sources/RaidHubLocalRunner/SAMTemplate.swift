import Foundation
import RaidHubLambda
import RaidHubYAML

/// What the runner reads from `template.yaml`: the functions and the routes that reach them.
public struct SAMTemplate: Sendable, Equatable {
    /// One `AWS::Serverless::Function`.
    public struct Function: Sendable, Equatable {
        public var logicalId: String
        /// The executable: `Metadata.DockerBuildTarget` (the Dockerfile's stage for the function),
        /// else `Metadata.DockerBuildArgs.FUNCTION`; the same name the image build uses.
        public var executableName: String
        public var timeoutSeconds: Int
        public var memoryMB: Int
        public var reservedConcurrency: Int?
        /// `Environment.Variables`, with `!Ref` to parameters resolved where they have a value.
        public var environment: [String: String]
        /// What Lambda sets from `LoggingConfig`: `AWS_LAMBDA_LOG_FORMAT`, and with the JSON
        /// format `AWS_LAMBDA_LOG_LEVEL` (its `ApplicationLogLevel`, INFO by default).
        public var loggingVariables: [String: String] = [:]
    }

    /// One `HttpApi` (payload 2.0) or `Api` (payload 1.0) event.
    public struct Route: Sendable, Equatable {
        public var method: String
        public var path: String
        public var functionId: String
        public var payloadVersion2: Bool
        /// The Lambda authorizer guarding it, if any.
        public var authorizer: LambdaAuthorizer?
        /// API Gateway's integration timeout: the event's `TimeoutInMillis`, else 30 s for HTTP
        /// APIs and 29 s for REST APIs, their defaults (and maximums without a quota increase).
        public var integrationTimeoutMilliseconds: Int

        /// A route; the integration timeout is API Gateway's default unless given.
        public init(method: String, path: String, functionId: String, payloadVersion2: Bool,
                    authorizer: LambdaAuthorizer? = nil, integrationTimeoutMilliseconds: Int? = nil) {
            self.method = method
            self.path = path
            self.functionId = functionId
            self.payloadVersion2 = payloadVersion2
            self.authorizer = authorizer
            self.integrationTimeoutMilliseconds = integrationTimeoutMilliseconds ?? (payloadVersion2 ? 30_000 : 29_000)
        }
    }

    public var functions: [Function]
    public var routes: [Route]
    /// The HTTP API's `CorsConfiguration`, if it has one.
    public var cors: CORSConfiguration?

    /// Reads the template at `url`.
    public static func load(_ url: URL) throws -> SAMTemplate {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch { throw TemplateError("cannot read \(url.path)") }
        return try SAMTemplate(YAMLReader.read(text))
    }

    /// Reads a parsed template.
    public init(_ root: YAMLNode) throws {
        let parameters = Dictionary(uniqueKeysWithValues: (root["Parameters"]?.entries ?? []).map { ($0.key, $0.value["Default"]?.text) })
        let globals = root["Globals"]?["Function"]
        let resources = root["Resources"]?.entries ?? []
        let authorizers = Self.authorizers(resources)
        var functions: [Function] = []
        var routes: [Route] = []
        for resource in resources where resource.value["Type"]?.text == "AWS::Serverless::Function" {
            let properties = resource.value["Properties"]
            let metadata = resource.value["Metadata"]
            guard let executable = metadata?["DockerBuildTarget"]?.text ?? metadata?["DockerBuildArgs"]?["FUNCTION"]?.text else {
                throw TemplateError("\(resource.key) has no Metadata.DockerBuildTarget (or DockerBuildArgs.FUNCTION) naming its executable")
            }
            var environment: [String: String] = [:]
            for variable in properties?["Environment"]?["Variables"]?.entries ?? [] {
                switch variable.value {
                case .scalar(let text): environment[variable.key] = text ?? ""
                case .tagged("!Ref", .scalar(let name?)): if let value = parameters[name] ?? nil { environment[variable.key] = value } else { environment[variable.key] = "" }
                default: environment[variable.key] = ""
                }
            }
            functions.append(Function(
                logicalId: resource.key, executableName: executable,
                timeoutSeconds: Int(properties?["Timeout"]?.text ?? globals?["Timeout"]?.text ?? "") ?? 3,
                memoryMB: Int(properties?["MemorySize"]?.text ?? globals?["MemorySize"]?.text ?? "") ?? 128,
                reservedConcurrency: (properties?["ReservedConcurrentExecutions"]?.text).flatMap { Int($0) },
                environment: environment,
                loggingVariables: Self.loggingVariables(function: properties?["LoggingConfig"], globals: globals?["LoggingConfig"])))
            for event in properties?["Events"]?.entries ?? [] {
                let type = event.value["Type"]?.text
                guard type == "HttpApi" || type == "Api", let eventProperties = event.value["Properties"],
                      let path = eventProperties["Path"]?.text, let method = eventProperties["Method"]?.text
                else { continue }
                let authorizerName = eventProperties["Auth"]?["Authorizer"]?.text
                let authorizer = authorizerName.flatMap { authorizers[$0] } ?? (authorizerName == nil ? authorizers["$default"] : nil)
                routes.append(Route(method: method.uppercased(), path: path, functionId: resource.key, payloadVersion2: type == "HttpApi",
                                    authorizer: authorizer, integrationTimeoutMilliseconds: (eventProperties["TimeoutInMillis"]?.text).flatMap { Int($0) }))
            }
        }
        self.functions = functions
        self.routes = routes
        self.cors = resources.first { $0.value["Type"]?.text == "AWS::Serverless::HttpApi" }
            .flatMap { CORSConfiguration($0.value["Properties"]?["CorsConfiguration"], parameters: parameters) }
    }

    /// `LoggingConfig` as Lambda passes it to the function; the function's keys win over
    /// `Globals`' (SAM merges the two maps key by key).
    static func loggingVariables(function: YAMLNode?, globals: YAMLNode?) -> [String: String] {
        let value = { (key: String) in function?[key]?.text ?? globals?[key]?.text }
        guard let format = value("LogFormat") else { return [:] }
        var variables = [LogSettings.formatVariable: format]
        if format == "JSON" { variables[LogSettings.levelVariable] = value("ApplicationLogLevel") ?? "INFO" }
        return variables
    }

    /// The HTTP API's Lambda authorizers by name (`$default` for `DefaultAuthorizer`).
    private static func authorizers(_ resources: [YAMLEntry]) -> [String: LambdaAuthorizer] {
        var found: [String: LambdaAuthorizer] = [:]
        for resource in resources where resource.value["Type"]?.text == "AWS::Serverless::HttpApi" {
            let auth = resource.value["Properties"]?["Auth"]
            for entry in auth?["Authorizers"]?.entries ?? [] {
                if let authorizer = LambdaAuthorizer(entry.value) { found[entry.key] = authorizer }
            }
            if let name = auth?["DefaultAuthorizer"]?.text { found["$default"] = found[name] }
        }
        return found
    }

    /// The function with this logical id or executable name.
    public func function(named name: String) -> Function? {
        functions.first { $0.logicalId == name || $0.executableName == name }
    }
}

/// A template the runner cannot use, with the reason.
public struct TemplateError: Error, CustomStringConvertible, Equatable {
    /// The reason.
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
