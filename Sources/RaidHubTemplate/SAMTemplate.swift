import Foundation
import RaidHubEmulation
import RaidHubLambda
import RaidHubYAML

/// What the runner reads from `template.yaml`: the functions and the routes that reach them, as
/// SAM's translator and CloudFormation would make them (scripts/compare-template-reading.py
/// checks that against SAM's own code).
public struct SAMTemplate: Sendable, Equatable {
    /// One `AWS::Serverless::Function`.
    public struct Function: Sendable, Equatable {
        public var logicalId: String
        /// The executable: `Metadata.DockerBuildTarget` (the Dockerfile's stage for the function),
        /// else `Metadata.DockerBuildArgs.FUNCTION`; the same name the image build uses.
        public var executableName: String
        /// Why the runner cannot run it (a Zip function names no executable), said at start; the
        /// template's other functions still serve.
        public var notRunnable: String?
        public var timeoutSeconds: Int
        public var memoryMB: Int
        public var reservedConcurrency: Int?
        /// `Environment.Variables`, with intrinsics evaluated where their value is known.
        public var environment: [String: String]
        /// Variables whose value only a deploy knows (a dynamic reference, a resource's `!Ref` or
        /// attribute): they are empty unless the env file or the shell gives them a value.
        public var unresolvedVariables: Set<String> = []
        /// The parameter each variable written `!Ref Parameter` takes its value from.
        public var parameterOf: [String: String] = [:]
        /// What Lambda sets from `LoggingConfig`: `AWS_LAMBDA_LOG_FORMAT`, and with the JSON
        /// format `AWS_LAMBDA_LOG_LEVEL` (its `ApplicationLogLevel`, INFO by default).
        public var loggingVariables: [String: String] = [:]
    }

    /// One `HttpApi` or `Api` event.
    public struct Route: Sendable, Equatable {
        public var method: String
        public var path: String
        public var functionId: String
        /// The payload format: 2.0 (`HttpApi` events by default), else 1.0 (`Api` events, and
        /// `HttpApi` events with `PayloadFormatVersion: "1.0"`).
        public var payloadVersion2: Bool
        /// Whether its API is an HTTP API (else a REST API): what API Gateway answers when the
        /// integration times out, and its default timeout, depend on it.
        public var isHTTPAPI: Bool
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

        /// A route; an HTTP API's when the payload is 2.0, unless said; the integration timeout is
        /// API Gateway's default unless given.
        public init(method: String, path: String, functionId: String, payloadVersion2: Bool, isHTTPAPI: Bool? = nil, apiId: String? = nil,
                    authorizer: LambdaAuthorizer? = nil, integrationTimeoutMilliseconds: Int? = nil) {
            self.method = method
            self.path = path
            self.functionId = functionId
            self.payloadVersion2 = payloadVersion2
            self.isHTTPAPI = isHTTPAPI ?? payloadVersion2
            self.apiId = apiId ?? (self.isHTTPAPI ? TemplateAPIs.implicitHTTPAPI : TemplateAPIs.implicitRESTAPI)
            self.authorizer = authorizer
            self.integrationTimeoutMilliseconds = integrationTimeoutMilliseconds ?? (self.isHTTPAPI ? 30_000 : 29_000)
        }
    }

    public var functions: [Function]
    public var routes: [Route]
    /// Every HTTP API's Lambda authorizers, by API then name.
    public var authorizers: [LambdaAuthorizer]
    /// Each HTTP API's `CorsConfiguration`, by the API's logical id.
    public var corsConfigurations: [String: CORSConfiguration]
    /// What the runner reads but cannot run as AWS would, each said once at start: functions it
    /// cannot run, authorizers API Gateway may not invoke, values only a deploy knows, transforms
    /// it does not apply.
    public var notices: [String] = []

    /// Reads the template at `url`; what it cannot read is an error naming the file, line and column.
    /// `parameterOverrides` (`--parameter-overrides`) replace the parameters' defaults; `region`
    /// is `AWS::Region`.
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

    /// Reads a parsed template. `Globals` are merged into each function and API as SAM merges
    /// them; intrinsics are evaluated as CloudFormation would (`TemplateValues`); what the runner
    /// would misread (an authorizer it cannot resolve, a value SAM refuses) is an error, since
    /// serving routes unprotected or misconfigured would be a silent misreading.
    public init(_ root: YAMLNode, parameterOverrides: [String: String] = [:], region: String = "us-east-1") throws {
        let declared = (root["Parameters"]?.entries ?? []).map(\.key)
        for name in parameterOverrides.keys where !declared.contains(name) {
            throw TemplateError("--parameter-overrides names '\(name)', which is not a parameter of the template"
                + (declared.isEmpty ? "" : " (it has \(declared.sorted().joined(separator: ", ")))"))
        }
        let values = try TemplateValues(root, overrides: parameterOverrides, region: region, accountId: LocalIdentifier.accountId)
        // A resource whose Condition is false is not deployed; one that cannot be known is read.
        let resources = (root["Resources"]?.entries ?? []).filter { resource in
            resource.value["Condition"]?.text.flatMap(values.condition) != false
        }
        let apis = try TemplateAPIs(resources, globals: root["Globals"], values: values, region: region)
        var functions: [Function] = []
        var routes: [Route] = []
        var notices: [String] = []
        for resource in resources where resource.value["Type"]?.text == "AWS::Serverless::Function" {
            let place = ["Resources", resource.key, "Properties"]
            let properties = YAMLNode.mergedAsSAM(globals: root["Globals"]?["Function"], resource: resource.value["Properties"])
            let metadata = resource.value["Metadata"]
            let executable = metadata?["DockerBuildTarget"]?.text ?? metadata?["DockerBuildArgs"]?["FUNCTION"]?.text
            var function = Function(
                logicalId: resource.key, executableName: executable ?? resource.key,
                notRunnable: executable != nil ? nil : "\(resource.key) has no Metadata.DockerBuildTarget (or DockerBuildArgs.FUNCTION) naming its executable"
                    + (values.text(properties?["Handler"]).map { " (it is a Zip function with Handler \($0)); local-runner runs image functions' executables only" } ?? ""),
                timeoutSeconds: 3, memoryMB: 128, reservedConcurrency: nil, environment: [:],
                loggingVariables: Self.loggingVariables(properties?["LoggingConfig"], values))
            // Lambda's ranges; a value only a deploy knows takes Lambda's default, said at start.
            for (key, range, lambdaDefault) in [("Timeout", 1...900, 3), ("MemorySize", 128...10_240, 128), ("ReservedConcurrentExecutions", 0...1_000_000, nil)] {
                guard let written = properties?[key] else { continue }
                guard let text = values.text(written) else {
                    notices.append("\(resource.key)'s \(key) is known only at deploy: the runner uses "
                        + (lambdaDefault.map { "Lambda's default, \($0)" } ?? "none"))
                    continue
                }
                guard let number = Int(text), range.contains(number) else {
                    throw TemplateError("\(resource.key)'s \(key) must be \(range.lowerBound) to \(range.upperBound), not '\(text)'", at: place + [key])
                }
                switch key {
                case "Timeout": function.timeoutSeconds = number
                case "MemorySize": function.memoryMB = number
                default: function.reservedConcurrency = number
                }
            }
            try Self.readEnvironment(properties?["Environment"], into: &function, values: values, declared: declared, notices: &notices)
            functions.append(function)
            for event in properties?["Events"]?.entries ?? [] {
                if let route = try Self.route(event, of: resource.key, values: values, apis: apis) { routes.append(route) }
            }
        }
        self.functions = functions
        self.routes = routes
        // SAM creates the implicit API only for events that need it.
        corsConfigurations = apis.cors.filter { id, _ in id != TemplateAPIs.implicitHTTPAPI || routes.contains { $0.apiId == id } }
        authorizers = apis.httpAPIs.sorted { $0.key < $1.key }.flatMap { _, byName in
            byName.filter { $0.key != TemplateAPIs.defaultAuthorizer }.sorted { $0.key < $1.key }.map(\.value)
        }
        let transforms = root["Transform"].map { $0.items?.compactMap(\.text) ?? [$0.text ?? ""] } ?? []
        self.notices = functions.compactMap { function in
            function.notRunnable.map { $0 + (routes.contains { $0.functionId == function.logicalId } ? ": its routes answer 502" : ": it cannot be invoked") }
        }
            + notices + apis.notices
            + (transforms.contains("AWS::LanguageExtensions")
                ? ["the template uses the AWS::LanguageExtensions transform, which local-runner does not apply: what its Fn::ForEach loops make is not "
                    + "served, and Fn::Length, Fn::ToJsonString and Fn::FindInMap defaults are not evaluated"]
                : [])
    }

    /// `Environment.Variables` (written out, or chosen by an `!If`) as the function gets them.
    private static func readEnvironment(_ environment: YAMLNode?, into function: inout Function, values: TemplateValues, declared: [String],
                                        notices: inout [String]) throws {
        guard let written = environment?["Variables"] else { return }
        guard let variables = values.chosen(written), variables.entries != nil || values.value(variables) == .noValue else {
            notices.append("\(function.logicalId)'s Environment.Variables are known only at deploy: the function gets none of them")
            return
        }
        for variable in variables.entries ?? [] {
            if variable.value.isRef, let name = variable.value.referencedResource, declared.contains(name) {
                function.parameterOf[variable.key] = name  // the env file's Parameters section can give it
            }
            switch values.value(variable.value) {
            case .string(let text): function.environment[variable.key] = text
            case .noValue: continue
            case .list, .unknown:
                function.environment[variable.key] = ""
                function.unresolvedVariables.insert(variable.key)
            }
        }
    }

    /// The route of an `HttpApi` or `Api` event, nil for other events.
    private static func route(_ event: YAMLEntry, of functionId: String, values: TemplateValues, apis: TemplateAPIs) throws -> Route? {
        let type = event.value["Type"]?.text
        guard type == "HttpApi" || type == "Api" else { return nil }
        let place = ["Resources", functionId, "Properties", "Events", event.key]
        let properties = event.value["Properties"]
        for key in ["Path", "Method"] where properties?[key].map({ $0.isIntrinsic || $0.text == nil }) == true {
            throw TemplateError("\(functionId)'s event \(event.key): \(key) must be written out as a string (SAM refuses an intrinsic there)",
                                at: place + ["Properties", key])
        }
        let path = values.text(properties?["Path"]), method = values.text(properties?["Method"])
        let catchAll = type == "HttpApi" && (path == nil && method == nil || path == Route.catchAll)
        guard catchAll || path != nil && method != nil else {
            throw TemplateError("\(functionId)'s event \(event.key) needs both Path and Method", at: place)
        }
        var authorizer: LambdaAuthorizer?
        let apiId: String
        if type == "Api" {
            apiId = properties?["RestApiId"]?.referencedResource ?? TemplateAPIs.implicitRESTAPI
            let name = values.text(properties?["Auth"]?["Authorizer"]) ?? apis.restDefaultAuthorizers[apiId]
            if let name, name != "NONE" {
                throw TemplateError("\(functionId)'s event \(event.key) is guarded by the REST API authorizer '\(name)', which local-runner "
                    + "does not emulate (it would be served unprotected): use an HttpApi event, or Auth: {Authorizer: NONE}", at: place)
            }
        } else {
            apiId = try properties?["ApiId"].map { node throws -> String in
                guard let id = node.referencedResource, apis.httpAPIs[id] != nil else {
                    throw TemplateError("\(functionId)'s event \(event.key) names an ApiId that is not an AWS::Serverless::HttpApi of the template",
                                        at: place + ["Properties", "ApiId"])
                }
                return id
            } ?? TemplateAPIs.implicitHTTPAPI
            let authorizers = apis.httpAPIs[apiId] ?? [:]
            let written = properties?["Auth"]?["Authorizer"]
            switch written.map({ $0.isIntrinsic ? nil : $0.text }) {
            case nil: authorizer = authorizers[TemplateAPIs.defaultAuthorizer]
            case nil?:
                throw TemplateError("\(functionId)'s event \(event.key): Auth.Authorizer must be written out as a string (SAM refuses another value)",
                                    at: place + ["Properties", "Auth", "Authorizer"])
            case "NONE"?: authorizer = nil
            case let name??:
                guard let named = authorizers[name] else {
                    throw TemplateError("\(functionId)'s event \(event.key) uses authorizer '\(name)', which \(apiId) does not define",
                                        at: place + ["Properties", "Auth", "Authorizer"])
                }
                authorizer = named
            }
        }
        let timeout = try values.text(properties?["TimeoutInMillis"]).map { text throws -> Int in
            // API Gateway's range: 50 ms to 30 s (29 s for REST APIs without a quota increase).
            guard let milliseconds = Int(text), (50...30_000).contains(milliseconds) else {
                throw TemplateError("\(functionId)'s event \(event.key): TimeoutInMillis must be 50 to 30000, not '\(text)'",
                                    at: place + ["Properties", "TimeoutInMillis"])
            }
            return milliseconds
        }
        let version1 = type == "Api" || values.text(properties?["PayloadFormatVersion"]) == "1.0"
        return Route(method: catchAll ? "ANY" : method!.uppercased(), path: catchAll ? Route.catchAll : path!, functionId: functionId,
                     payloadVersion2: !version1, isHTTPAPI: type == "HttpApi", apiId: apiId, authorizer: authorizer,
                     integrationTimeoutMilliseconds: timeout)
    }

    /// `LoggingConfig` (Globals already merged in) as Lambda passes it to the function.
    static func loggingVariables(_ config: YAMLNode?, _ values: TemplateValues) -> [String: String] {
        guard let format = values.text(config?["LogFormat"]) else { return [:] }
        var variables = [LogSettings.formatVariable: format]
        if format == "JSON" { variables[LogSettings.levelVariable] = values.text(config?["ApplicationLogLevel"]) ?? "INFO" }
        return variables
    }

    /// The function with this logical id or executable name.
    public func function(named name: String) -> Function? {
        functions.first { $0.logicalId == name || $0.notRunnable == nil && $0.executableName == name }
    }

    /// The `CorsConfiguration` of `route`'s API; without a route (a preflight for a path no
    /// route has), the template's only one, if it has just one.
    public func cors(for route: Route?) -> CORSConfiguration? {
        if let route { return corsConfigurations[route.apiId] }
        return corsConfigurations.count == 1 ? corsConfigurations.first?.value : nil
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
