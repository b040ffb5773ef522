import RaidHubEmulation
import RaidHubYAML

/// The template's API Gateway APIs as SAM makes them: each HTTP API's Lambda authorizers (and
/// whether API Gateway may invoke them) and CORS, each REST API's default authorizer, and what
/// the runner says at start about them. `Globals.HttpApi` and `Globals.Api` are merged in.
struct TemplateAPIs {
    /// The HTTP API SAM creates for `HttpApi` events without an `ApiId`.
    static let implicitHTTPAPI = "ServerlessHttpApi"
    /// The REST API SAM creates for `Api` events without a `RestApiId`.
    static let implicitRESTAPI = "ServerlessRestApi"
    /// The key of an HTTP API's `DefaultAuthorizer` among its authorizers.
    static let defaultAuthorizer = "$default"

    /// Each HTTP API's Lambda authorizers by name (its default also under `defaultAuthorizer`).
    var httpAPIs: [String: [String: LambdaAuthorizer]] = [:]
    /// Each HTTP API's `CorsConfiguration`.
    var cors: [String: CORSConfiguration] = [:]
    /// Each REST API's `Auth.DefaultAuthorizer`.
    var restDefaultAuthorizers: [String: String] = [:]
    /// Authorizers API Gateway may not invoke, REST APIs' CORS: said at start.
    var notices: [String] = []

    /// Reads the APIs of `resources` (those whose `Condition` holds). An authorizer is refused
    /// where SAM refuses it or the runner would misread it: not a Lambda authorizer of a function
    /// of the template, without `AuthorizerPayloadFormatVersion`, answering in another form than
    /// 2.0's simple responses, IAM authorization. So is a CORS configuration API Gateway refuses
    /// at deploy.
    init(_ resources: [YAMLEntry], globals: YAMLNode?, values: TemplateValues, region: String) throws {
        let functionIds = Set(resources.filter { $0.value["Type"]?.text == "AWS::Serverless::Function" }.map(\.key))
        let permissions = resources.filter { $0.value["Type"]?.text == "AWS::Lambda::Permission" }.compactMap { $0.value["Properties"] }
        let functionNames = Dictionary(resources.compactMap { resource -> (String, String)? in
            guard functionIds.contains(resource.key), let name = values.text(resource.value["Properties"]?["FunctionName"]) else { return nil }
            return (resource.key, name)
        }) { $1 }
        let explicit = resources.filter { $0.value["Type"]?.text == "AWS::Serverless::HttpApi" }.map { ($0.key, $0.value["Properties"]) }
        for (id, own) in [(Self.implicitHTTPAPI, nil)] + explicit {
            let properties = YAMLNode.mergedAsSAM(globals: globals?["HttpApi"], resource: own)
            // Where a setting is written: the API's own properties, or Globals.
            let places = { (keys: [String]) in [["Resources", id, "Properties"] + keys, ["Globals", "HttpApi"] + keys] }
            let auth = properties?["Auth"]
            var authorizers: [String: LambdaAuthorizer] = [:]
            for entry in auth?["Authorizers"]?.entries ?? [] {
                let settings = entry.value
                let place = places(["Auth", "Authorizers", entry.key])
                if settings["JwtConfiguration"] != nil {
                    throw TemplateError("\(id)'s authorizer \(entry.key) is a JWT authorizer, which local-runner does not emulate",
                                        at: places(["Auth", "Authorizers", entry.key, "JwtConfiguration"]))
                }
                guard let target = settings["FunctionArn"]?.referencedResource, functionIds.contains(target) else {
                    throw TemplateError("\(id)'s authorizer \(entry.key): FunctionArn does not name a function of the template "
                        + "(write !GetAtt Function.Arn, !GetAtt [Function, Arn], Fn::GetAtt or !Sub \"${Function.Arn}\")",
                                        at: places(["Auth", "Authorizers", entry.key, "FunctionArn"]) + place)
                }
                guard let version = values.text(settings["AuthorizerPayloadFormatVersion"]) else {
                    throw TemplateError("\(id)'s authorizer \(entry.key) must define 'AuthorizerPayloadFormatVersion' (SAM refuses a Lambda authorizer without it)",
                                        at: place)
                }
                let simple = values.bool(settings["EnableSimpleResponses"]) == true
                guard version == "2.0" || version == "2", simple else {
                    throw TemplateError("\(id)'s authorizer \(entry.key) answers with IAM policies (AuthorizerPayloadFormatVersion \(version)"
                        + (simple ? "" : ", no EnableSimpleResponses: true")
                        + "), which local-runner does not emulate: it emulates 2.0 authorizers with EnableSimpleResponses: true",
                                        at: places(["Auth", "Authorizers", entry.key, "EnableSimpleResponses"]) + place)
                }
                let role = values.value(settings["FunctionInvokeRole"])
                let mayInvoke = values.bool(settings["EnableFunctionDefaultPermissions"]) == true
                    || role != .noValue && role != .string("NONE") && role != .string("")
                    || permissions.contains { Self.permission($0, letsAPI: id, invokeAuthorizer: target, named: functionNames[target], values: values, region: region) }
                if !mayInvoke {
                    notices.append("\(id)'s authorizer \(entry.key): API Gateway has no permission to invoke \(target), so every route it guards "
                        + "answers 500 (as on AWS). Set EnableFunctionDefaultPermissions: true on the authorizer (or a FunctionInvokeRole)")
                }
                authorizers[entry.key] = try LambdaAuthorizer(name: entry.key, apiId: id, settings, functionId: target, apiGatewayMayInvoke: mayInvoke,
                                                              values: values, place: place)
            }
            if let written = auth?["DefaultAuthorizer"] {
                guard !written.isIntrinsic, let name = written.text else {
                    throw TemplateError("\(id)'s DefaultAuthorizer must be the name of one of its Authorizers, written out (SAM refuses another value)",
                                        at: places(["Auth", "DefaultAuthorizer"]))
                }
                if name == "AWS_IAM" || values.bool(auth?["EnableIamAuthorizer"]) == true {
                    throw TemplateError("\(id) uses IAM authorization, which local-runner does not emulate (its routes would be served unprotected)",
                                        at: places(["Auth", "DefaultAuthorizer"]))
                }
                guard let authorizer = authorizers[name] else {
                    throw TemplateError("\(id)'s DefaultAuthorizer '\(name)' is not one of its Authorizers", at: places(["Auth", "DefaultAuthorizer"]))
                }
                authorizers[Self.defaultAuthorizer] = authorizer
            }
            httpAPIs[id] = authorizers
            if let configuration = try CORSConfiguration(properties?["CorsConfiguration"], values: values, apiId: id) {
                if configuration.allowCredentials, configuration.allowOrigins.contains("*") {
                    throw TemplateError("\(id)'s CorsConfiguration allows any origin ('*') with AllowCredentials: true, which API Gateway refuses "
                        + "at deploy (and SAM before it): list the origins that may send credentials",
                                        at: places(["CorsConfiguration"]))
                }
                cors[id] = configuration
            }
        }
        let restAPIs = [(Self.implicitRESTAPI, nil)] + resources.filter { $0.value["Type"]?.text == "AWS::Serverless::Api" }.map { ($0.key, $0.value["Properties"]) }
        for (id, own) in restAPIs {
            let properties = YAMLNode.mergedAsSAM(globals: globals?["Api"], resource: own)
            if let name = values.text(properties?["Auth"]?["DefaultAuthorizer"]) { restDefaultAuthorizers[id] = name }
            if properties?["Cors"] != nil, own != nil || Self.hasImplicitRESTAPI(resources) {
                // SAM answers a REST API's preflights with a mock OPTIONS method per path.
                notices.append("\(id)'s Cors (a REST API's CORS) is not emulated: its preflight OPTIONS requests reach the routes, which on AWS API Gateway answers itself")
            }
        }
    }

    /// Whether some `Api` event has no `RestApiId`, so SAM creates the implicit REST API.
    private static func hasImplicitRESTAPI(_ resources: [YAMLEntry]) -> Bool {
        resources.contains { resource in
            (resource.value["Properties"]?["Events"]?.entries ?? []).contains { $0.value["Type"]?.text == "Api" && $0.value["Properties"]?["RestApiId"] == nil }
        }
    }

    /// Whether the `AWS::Lambda::Permission` with `properties` lets API Gateway invoke the
    /// authorizer `function` (physical name `name`, when the template gives one) of the HTTP API
    /// `api`: action `lambda:InvokeFunction`, principal `apigateway.amazonaws.com`, and a
    /// `SourceArn`, if any, that matches `arn:aws:execute-api:REGION:ACCOUNT:API/authorizers/ID`
    /// as IAM's `ArnLike` does.
    private static func permission(_ properties: YAMLNode, letsAPI api: String, invokeAuthorizer function: String, named name: String?,
                                   values: TemplateValues, region: String) -> Bool {
        let action = values.text(properties["Action"])?.lowercased()
        guard action == "lambda:invokefunction" || action == "lambda:*", values.text(properties["Principal"]) == "apigateway.amazonaws.com" else {
            return false
        }
        let target = properties["FunctionName"]
        let namesFunction = target?.referencedResource == function
            || name.map { name in values.text(target).map { $0 == name || $0.hasSuffix(":function:\(name)") } ?? false } ?? false
        guard namesFunction else { return false }
        guard let source = properties["SourceArn"] else { return true }
        let apiId = "api-\(api.lowercased())"
        guard let pattern = values.naming([api: apiId]).text(source) else { return false }
        return "arn:aws:execute-api:\(region):\(LocalIdentifier.accountId):\(apiId)/authorizers/authorizer".matchesWildcards(pattern)
    }
}
