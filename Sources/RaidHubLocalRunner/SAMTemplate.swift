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
        /// Why the runner cannot run it (a Zip function names no executable), said when it is
        /// invoked; the template's other functions still serve.
        public var notRunnable: String?
        public var timeoutSeconds: Int
        public var memoryMB: Int
        public var reservedConcurrency: Int?
        /// `Environment.Variables`, with `!Ref` to parameters resolved where they have a value.
        public var environment: [String: String]
        /// Variables whose value is an intrinsic the runner cannot evaluate (a dynamic reference,
        /// `!Sub`, `!GetAtt`, a resource's `!Ref`): they are empty unless the env file or the
        /// shell gives them a value.
        public var unresolvedVariables: Set<String> = []
        /// The parameter each variable written `!Ref Parameter` takes its value from.
        public var parameterOf: [String: String] = [:]
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
        /// The logical id of its API: an `AWS::Serverless::HttpApi` or `Api` of the template, or
        /// the one SAM creates for events without `ApiId`/`RestApiId`.
        public var apiId: String
        /// The Lambda authorizer guarding it, if any.
        public var authorizer: LambdaAuthorizer?
        /// The path of an HTTP API's catch-all route (an `HttpApi` event without Path and Method).
        public static let catchAll = "$default"
        /// Whether this is the catch-all route, matched when no other route is.
        public var isCatchAll: Bool { path == Self.catchAll }
        /// API Gateway's integration timeout: the event's `TimeoutInMillis`, else 30 s for HTTP
        /// APIs and 29 s for REST APIs, their defaults (and maximums without a quota increase).
        public var integrationTimeoutMilliseconds: Int

        /// A route; the integration timeout is API Gateway's default unless given.
        public init(method: String, path: String, functionId: String, payloadVersion2: Bool, apiId: String? = nil,
                    authorizer: LambdaAuthorizer? = nil, integrationTimeoutMilliseconds: Int? = nil) {
            self.method = method
            self.path = path
            self.functionId = functionId
            self.payloadVersion2 = payloadVersion2
            self.apiId = apiId ?? (payloadVersion2 ? HTTPAPIs.implicit : RESTAPIs.implicit)
            self.authorizer = authorizer
            self.integrationTimeoutMilliseconds = integrationTimeoutMilliseconds ?? (payloadVersion2 ? 30_000 : 29_000)
        }
    }

    public var functions: [Function]
    public var routes: [Route]
    /// Every HTTP API's Lambda authorizers, by API then name.
    public var authorizers: [LambdaAuthorizer]
    /// The HTTP API's `CorsConfiguration`, if it has one.
    public var cors: CORSConfiguration?
    /// What the runner reads but cannot run as AWS would, each said once at start: functions it
    /// cannot run, authorizers API Gateway may not invoke, resources it does not expand.
    public var notices: [String] = []

    /// Reads the template at `url`; what it cannot read is an error naming the file, line and column.
    /// `parameterOverrides` (`--parameter-overrides`) replace the parameters' defaults.
    public static func load(_ url: URL, parameterOverrides: [String: String] = [:], region: String = "us-east-1") throws -> SAMTemplate {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch { throw TemplateError("cannot read \(url.path)") }
        do {
            return try SAMTemplate(YAMLReader.read(text), parameterOverrides: parameterOverrides, region: region)
        } catch let error as YAMLError {
            throw TemplateError("\(url.path):\(error.line):\(error.column): \(error.message)")
        } catch let error as TemplateError {
            let place = error.keyPaths.lazy.compactMap { TemplateLocator(text).position(of: $0) }.first
            throw TemplateError("\(url.path):" + (place.map { "\($0.line):\($0.column):" } ?? "") + " \(error.description)")
        }
    }

    /// Reads a parsed template. `Globals` are merged into each function and HTTP API as SAM
    /// merges them; an authorizer that cannot be resolved to a function of the template is an
    /// error, since serving its routes unprotected would be a silent misreading.
    public init(_ root: YAMLNode, parameterOverrides: [String: String] = [:], region: String = "us-east-1") throws {
        let declared = (root["Parameters"]?.entries ?? []).map(\.key)
        for name in parameterOverrides.keys where !declared.contains(name) {
            throw TemplateError("--parameter-overrides names '\(name)', which is not a parameter of the template"
                + (declared.isEmpty ? "" : " (it has \(declared.sorted().joined(separator: ", ")))"))
        }
        let values = TemplateValues(root, overrides: parameterOverrides, region: region, accountId: LocalIdentifier.accountId)
        // A resource whose Condition is false is not deployed; one that cannot be known is read.
        let resources = (root["Resources"]?.entries ?? []).filter { resource in
            resource.value["Condition"]?.text.flatMap(values.condition) != false
        }
        let functionIds = Set(resources.filter { $0.value["Type"]?.text == "AWS::Serverless::Function" }.map(\.key))
        let httpAPIs = try Self.httpAPIs(resources, globals: root["Globals"]?["HttpApi"], functionIds: functionIds, values: values)
        let restDefaultAuthorizers = Self.restDefaultAuthorizers(resources, globals: root["Globals"]?["Api"])
        var functions: [Function] = []
        var routes: [Route] = []
        for resource in resources where resource.value["Type"]?.text == "AWS::Serverless::Function" {
            let properties = YAMLNode.mergedAsSAM(globals: root["Globals"]?["Function"], resource: resource.value["Properties"])
            let metadata = resource.value["Metadata"]
            let executable = metadata?["DockerBuildTarget"]?.text ?? metadata?["DockerBuildArgs"]?["FUNCTION"]?.text
            var environment: [String: String] = [:]
            var parameterOf: [String: String] = [:]
            var unresolved: Set<String> = []
            for variable in properties?["Environment"]?["Variables"]?.entries ?? [] {
                if variable.value.isRef, let name = Self.referencedResource(variable.value), declared.contains(name) {
                    parameterOf[variable.key] = name  // the env file's Parameters section can give it
                }
                switch values.value(variable.value) {
                case .string(let text): environment[variable.key] = text
                case .noValue: continue
                case .list, .unknown:
                    // Known only once deployed (a resource's attribute, a dynamic reference).
                    environment[variable.key] = ""
                    unresolved.insert(variable.key)
                }
            }
            let number = { (key: String) in values.text(properties?[key]).flatMap { Int($0) } }
            var function = Function(
                logicalId: resource.key, executableName: executable ?? resource.key,
                notRunnable: executable != nil ? nil : "\(resource.key) has no Metadata.DockerBuildTarget (or DockerBuildArgs.FUNCTION) naming its executable"
                    + (properties?["Handler"]?.text.map { " (it is a Zip function with Handler \($0)); local-runner runs image functions' executables only" } ?? ""),
                timeoutSeconds: number("Timeout") ?? 3,
                memoryMB: number("MemorySize") ?? 128,
                reservedConcurrency: number("ReservedConcurrentExecutions"),
                environment: environment,
                parameterOf: parameterOf,
                loggingVariables: Self.loggingVariables(properties?["LoggingConfig"]))
            function.unresolvedVariables = unresolved
            functions.append(function)
            for event in properties?["Events"]?.entries ?? [] {
                let type = event.value["Type"]?.text
                guard type == "HttpApi" || type == "Api" else { continue }
                let eventProperties = event.value["Properties"]
                let path = eventProperties?["Path"]?.text, method = eventProperties?["Method"]?.text
                let catchAll = type == "HttpApi" && (path == nil && method == nil || path == Route.catchAll)
                guard catchAll || path != nil && method != nil else {
                    throw TemplateError("\(resource.key)'s event \(event.key) needs both Path and Method", at: ["Resources", resource.key, "Properties", "Events", event.key])
                }
                var authorizer: LambdaAuthorizer?
                let apiId: String
                if type == "Api" {
                    apiId = eventProperties?["RestApiId"].flatMap(Self.referencedResource) ?? RESTAPIs.implicit
                    let name = eventProperties?["Auth"]?["Authorizer"]?.text ?? (restDefaultAuthorizers[apiId] ?? nil)
                    if let name, name != "NONE" {
                        throw TemplateError("\(resource.key)'s event \(event.key) is guarded by the REST API authorizer '\(name)', which local-runner "
                            + "does not emulate (it would be served unprotected): use an HttpApi event, or Auth: {Authorizer: NONE}",
                            at: ["Resources", resource.key, "Properties", "Events", event.key])
                    }
                } else {
                    apiId = try eventProperties?["ApiId"].map { node throws -> String in
                        guard let id = Self.referencedResource(node), httpAPIs.apis[id] != nil else {
                            throw TemplateError("\(resource.key)'s event \(event.key) names an ApiId that is not an AWS::Serverless::HttpApi of the template",
                                                at: ["Resources", resource.key, "Properties", "Events", event.key, "Properties", "ApiId"])
                        }
                        return id
                    } ?? HTTPAPIs.implicit
                    let authorizers = httpAPIs.apis[apiId] ?? [:]
                    switch eventProperties?["Auth"]?["Authorizer"]?.text {
                    case nil: authorizer = authorizers[HTTPAPIs.defaultAuthorizer]
                    case "NONE": authorizer = nil
                    case let name?:
                        guard let named = authorizers[name] else {
                            throw TemplateError("\(resource.key)'s event \(event.key) uses authorizer '\(name)', which \(apiId) does not define",
                                                at: ["Resources", resource.key, "Properties", "Events", event.key, "Properties", "Auth", "Authorizer"])
                        }
                        authorizer = named
                    }
                }
                let timeout = try values.text(eventProperties?["TimeoutInMillis"]).map { text throws -> Int in
                    // API Gateway's range: 50 ms to 30 s (29 s for REST APIs without a quota increase).
                    guard let milliseconds = Int(text), (50...30_000).contains(milliseconds) else {
                        throw TemplateError("\(resource.key)'s event \(event.key): TimeoutInMillis must be 50 to 30000, not '\(text)'",
                                            at: ["Resources", resource.key, "Properties", "Events", event.key, "Properties", "TimeoutInMillis"])
                    }
                    return milliseconds
                }
                routes.append(Route(method: catchAll ? "ANY" : method!.uppercased(), path: catchAll ? Route.catchAll : path!, functionId: resource.key,
                                    payloadVersion2: type == "HttpApi", apiId: apiId, authorizer: authorizer, integrationTimeoutMilliseconds: timeout))
            }
        }
        self.functions = functions
        self.routes = routes
        self.cors = httpAPIs.cors
        authorizers = httpAPIs.apis.sorted { $0.key < $1.key }.flatMap { _, byName in
            byName.filter { $0.key != HTTPAPIs.defaultAuthorizer }.sorted { $0.key < $1.key }.map(\.value)
        }
        notices = functions.compactMap { function in
            function.notRunnable.map { $0 + (routes.contains { $0.functionId == function.logicalId } ? ": its routes answer 502" : ": it cannot be invoked") }
        }
            + httpAPIs.notices
            + Self.restCORSNotices(resources, globals: root["Globals"]?["Api"])
            + resources.filter { $0.key.hasPrefix("Fn::ForEach::") }.map { entry in
                "Resources.\(entry.key) is an Fn::ForEach loop (the AWS::LanguageExtensions transform), which local-runner does not expand: "
                    + "the functions and routes it would make are not served"
            }
    }

    /// `LoggingConfig` (Globals already merged in) as Lambda passes it to the function.
    static func loggingVariables(_ config: YAMLNode?) -> [String: String] {
        guard let format = config?["LogFormat"]?.text else { return [:] }
        var variables = [LogSettings.formatVariable: format]
        if format == "JSON" { variables[LogSettings.levelVariable] = config?["ApplicationLogLevel"]?.text ?? "INFO" }
        return variables
    }

    /// The template's HTTP APIs: each one's Lambda authorizers by name, and the CORS answer.
    struct HTTPAPIs {
        /// The API SAM creates for `HttpApi` events without an `ApiId`.
        static let implicit = "ServerlessHttpApi"
        /// The key of an API's `DefaultAuthorizer`.
        static let defaultAuthorizer = "$default"
        var apis: [String: [String: LambdaAuthorizer]] = [:]
        var cors: CORSConfiguration?
        /// Authorizers API Gateway may not invoke, said at start.
        var notices: [String] = []
    }

    /// The REST API SAM creates for `Api` events without a `RestApiId`.
    enum RESTAPIs {
        static let implicit = "ServerlessRestApi"
    }

    /// Every `AWS::Serverless::HttpApi` (and the implicit one), `Globals.HttpApi` merged in. An
    /// authorizer is refused where SAM refuses it or the runner would misread it: not a Lambda
    /// authorizer of a function of the template, without `AuthorizerPayloadFormatVersion`, or
    /// answering in another form than 2.0's simple responses. So is a CORS configuration API
    /// Gateway refuses at deploy.
    private static func httpAPIs(_ resources: [YAMLEntry], globals: YAMLNode?, functionIds: Set<String>, values: TemplateValues) throws -> HTTPAPIs {
        var found = HTTPAPIs()
        let explicit = resources.filter { $0.value["Type"]?.text == "AWS::Serverless::HttpApi" }.map { ($0.key, $0.value["Properties"]) }
        let permitted = functionsAPIGatewayMayInvoke(resources)
        for (id, own) in [(HTTPAPIs.implicit, nil)] + explicit {
            let properties = YAMLNode.mergedAsSAM(globals: globals, resource: own)
            let auth = properties?["Auth"]
            var authorizers: [String: LambdaAuthorizer] = [:]
            // Where an authorizer's setting is written: the API's own properties, or Globals.
            let places = { (keys: [String]) in [["Resources", id, "Properties", "Auth"] + keys, ["Globals", "HttpApi", "Auth"] + keys] }
            for entry in auth?["Authorizers"]?.entries ?? [] {
                let settings = entry.value
                if settings["JwtConfiguration"] != nil {
                    throw TemplateError("\(id)'s authorizer \(entry.key) is a JWT authorizer, which local-runner does not emulate",
                                        at: places(["Authorizers", entry.key, "JwtConfiguration"]))
                }
                guard let target = settings["FunctionArn"].flatMap(referencedResource), functionIds.contains(target) else {
                    throw TemplateError("\(id)'s authorizer \(entry.key): FunctionArn does not name a function of the template "
                        + "(write !GetAtt Function.Arn, !GetAtt [Function, Arn], Fn::GetAtt or !Sub \"${Function.Arn}\")",
                                        at: places(["Authorizers", entry.key, "FunctionArn"]) + places(["Authorizers", entry.key]))
                }
                guard let version = values.text(settings["AuthorizerPayloadFormatVersion"]) else {
                    throw TemplateError("\(id)'s authorizer \(entry.key) must define 'AuthorizerPayloadFormatVersion' (SAM refuses a Lambda authorizer without it)",
                                        at: places(["Authorizers", entry.key]))
                }
                let simple = values.text(settings["EnableSimpleResponses"]) == "true"
                guard version == "2.0" || version == "2", simple else {
                    throw TemplateError("\(id)'s authorizer \(entry.key) answers with IAM policies (AuthorizerPayloadFormatVersion \(version)"
                        + (simple ? "" : ", no EnableSimpleResponses: true")
                        + "), which local-runner does not emulate: it emulates 2.0 authorizers with EnableSimpleResponses: true",
                                        at: places(["Authorizers", entry.key, "EnableSimpleResponses"]) + places(["Authorizers", entry.key]))
                }
                let role = settings["FunctionInvokeRole"]
                let mayInvoke = values.text(settings["EnableFunctionDefaultPermissions"]) == "true"
                    || role != nil && role?.text != "NONE"
                    || permitted.contains(target)
                if !mayInvoke {
                    found.notices.append("\(id)'s authorizer \(entry.key): API Gateway has no permission to invoke \(target), so every route it guards "
                        + "answers 500 (as on AWS). Set EnableFunctionDefaultPermissions: true on the authorizer (or a FunctionInvokeRole)")
                }
                authorizers[entry.key] = LambdaAuthorizer(name: entry.key, apiId: id, settings, functionId: target, apiGatewayMayInvoke: mayInvoke, values: values)
            }
            if let name = auth?["DefaultAuthorizer"]?.text {
                guard let authorizer = authorizers[name] else {
                    throw TemplateError("\(id)'s DefaultAuthorizer '\(name)' is not one of its Authorizers", at: places(["DefaultAuthorizer"]))
                }
                authorizers[HTTPAPIs.defaultAuthorizer] = authorizer
            }
            found.apis[id] = authorizers
            if own != nil || explicit.isEmpty, found.cors == nil {
                found.cors = try CORSConfiguration(properties?["CorsConfiguration"], values: values, apiId: id)
                if let cors = found.cors, cors.allowCredentials, cors.allowOrigins.contains("*") {
                    throw TemplateError("\(id)'s CorsConfiguration allows any origin ('*') with AllowCredentials: true, which API Gateway refuses "
                        + "at deploy (and SAM before it): list the origins that may send credentials",
                                        at: [["Resources", id, "Properties", "CorsConfiguration"], ["Globals", "HttpApi", "CorsConfiguration"]])
                }
            }
        }
        return found
    }

    /// The functions an `AWS::Lambda::Permission` of the template lets API Gateway invoke.
    private static func functionsAPIGatewayMayInvoke(_ resources: [YAMLEntry]) -> Set<String> {
        Set(resources.compactMap { resource -> String? in
            guard resource.value["Type"]?.text == "AWS::Lambda::Permission", let properties = resource.value["Properties"],
                  Self.principal(properties["Principal"])?.hasPrefix("apigateway.") == true
            else { return nil }
            return properties["FunctionName"].flatMap(referencedResource)
        })
    }

    /// A REST API's `Cors` is not answered: its preflights reach the routes, where on AWS API
    /// Gateway answers them (SAM adds a mock OPTIONS method per path).
    private static func restCORSNotices(_ resources: [YAMLEntry], globals: YAMLNode?) -> [String] {
        let explicit = resources.filter { $0.value["Type"]?.text == "AWS::Serverless::Api" }.map { ($0.key, $0.value["Properties"]) }
        return explicit.compactMap { id, own in
            YAMLNode.mergedAsSAM(globals: globals, resource: own)?["Cors"] == nil ? nil
                : "\(id)'s Cors (a REST API's CORS) is not emulated: its preflight OPTIONS requests reach the routes, which on AWS API Gateway answers itself"
        }
    }

    /// Each REST API's `Auth.DefaultAuthorizer` (`Globals.Api` merged in; the implicit API's too).
    private static func restDefaultAuthorizers(_ resources: [YAMLEntry], globals: YAMLNode?) -> [String: String?] {
        let explicit = resources.filter { $0.value["Type"]?.text == "AWS::Serverless::Api" }.map { ($0.key, $0.value["Properties"]) }
        return Dictionary(([(RESTAPIs.implicit, nil)] + explicit).map { id, own in
            (id, YAMLNode.mergedAsSAM(globals: globals, resource: own)?["Auth"]?["DefaultAuthorizer"]?.text)
        }) { $1 }
    }

    /// A permission's principal: `apigateway.amazonaws.com`, or written `!Sub apigateway.${AWS::URLSuffix}`.
    private static func principal(_ node: YAMLNode?) -> String? {
        switch node {
        case .scalar(let text)?: text
        case .tagged("!Sub", .scalar(let text))?: text
        case .mapping(let entries)? where entries.count == 1 && entries[0].key == "Fn::Sub": entries[0].value.text
        default: nil
        }
    }

    /// The logical id an intrinsic names: `!Ref X`, `{Ref: X}`, `!GetAtt X.Attr`, `!GetAtt [X, Attr]`,
    /// `{Fn::GetAtt: ...}`, or a `!Sub`/`Fn::Sub` whose only reference is `${X}` or `${X.Attr}`.
    static func referencedResource(_ node: YAMLNode) -> String? {
        switch node {
        case .tagged("!Ref", .scalar(let name?)): return name
        case .tagged("!GetAtt", let target): return getAttTarget(target)
        case .tagged("!Sub", let template): return subReference(template)
        case .mapping(let entries) where entries.count == 1:
            switch entries[0].key {
            case "Ref": return entries[0].value.text
            case "Fn::GetAtt": return getAttTarget(entries[0].value)
            case "Fn::Sub": return subReference(entries[0].value)
            default: return nil
            }
        default: return nil
        }
    }

    private static func getAttTarget(_ node: YAMLNode) -> String? {
        if let text = node.text { return text.split(separator: ".", maxSplits: 1).first.map(String.init) }
        if let items = node.items, items.count == 2 { return items[0].text }
        return nil
    }

    /// `${X.Arn}` or `${X}` when it is the template's one reference (pseudo parameters aside).
    private static func subReference(_ node: YAMLNode) -> String? {
        guard let text = node.text ?? node.items?.first?.text else { return nil }
        var names: [String] = []
        var rest = text[...]
        while let open = rest.range(of: "${") {
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else { break }
            let name = rest[open.upperBound..<close]
            if !name.hasPrefix("AWS::"), !name.hasPrefix("!") { names.append(String(name.split(separator: ".", maxSplits: 1)[0])) }
            rest = rest[rest.index(after: close)...]
        }
        return Set(names).count == 1 ? names[0] : nil
    }

    /// The function with this logical id or executable name.
    public func function(named name: String) -> Function? {
        functions.first { $0.logicalId == name || $0.notRunnable == nil && $0.executableName == name }
    }
}

/// A template the runner cannot use, with the reason.
public struct TemplateError: Error, CustomStringConvertible, Equatable {
    /// The reason.
    public let description: String
    /// Where in the template the problem is written, as key paths to try in turn.
    let keyPaths: [[String]]

    init(_ description: String, at keyPaths: [String]...) {
        self.description = description
        self.keyPaths = keyPaths
    }

    init(_ description: String, at keyPaths: [[String]]) {
        self.description = description
        self.keyPaths = keyPaths
    }
}

extension YAMLNode {
    /// Whether this is `!Ref X` or `{Ref: X}`.
    var isRef: Bool {
        if case .tagged("!Ref", _) = self { return true }
        return entries?.count == 1 && entries?.first?.key == "Ref"
    }

    /// A resource's properties with `Globals`' merged in as SAM merges them: maps key by key
    /// (the resource's value wins), lists globals first then the resource's, anything else the
    /// resource's.
    static func mergedAsSAM(globals: YAMLNode?, resource: YAMLNode?) -> YAMLNode? {
        guard let globals else { return resource }
        guard let resource else { return globals }
        switch (globals, resource) {
        case (.mapping(let base), .mapping(let own)):
            var merged = base.map { entry in YAMLEntry(key: entry.key, value: mergedAsSAM(globals: entry.value, resource: own.first { $0.key == entry.key }?.value) ?? entry.value) }
            merged += own.filter { entry in !base.contains { $0.key == entry.key } }
            return .mapping(merged)
        case (.sequence(let base), .sequence(let own)):
            return .sequence(base + own)
        default:
            return resource
        }
    }
}
