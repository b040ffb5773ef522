import RaidHubJSON
import RaidHubLambda

extension SAMTemplate {
    /// The runner's reading of the template as JSON (`local-runner describe`): what it will serve
    /// and run, in the terms SAM's translator writes into CloudFormation, so that a reading
    /// derived from the translator's output (scripts/compare-template-reading.py) can be
    /// compared with it field by field.
    ///
    /// `functions` by logical id: `timeout`, `memorySize`, `reservedConcurrency`, `environment`
    /// (a value only a deploy knows is null), `logFormat` and `logLevel`, and `notRunnable`;
    /// `routes`: `api`, `method`, `path`, `payloadVersion`, `function`, `authorizer`,
    /// `timeoutInMillis`; `authorizers`: `api`, `name`, `function`, `identitySource`,
    /// `ttlSeconds`, `simpleResponses`, `apiGatewayMayInvoke`; `cors` by API; and the start
    /// `notices`.
    public var descriptionJSON: [UInt8] {
        var writer = JSONWriter(capacity: 4096)
        writer.openObject()
        writer.key("functions"); writer.openObject()
        for function in functions {
            writer.key(function.logicalId); writer.openObject()
            writer.key("timeout"); writer.integer(Int64(function.timeoutSeconds))
            writer.key("memorySize"); writer.integer(Int64(function.memoryMB))
            writer.key("reservedConcurrency"); writer.optional(function.reservedConcurrency)
            writer.key("environment"); writer.openObject()
            for (name, value) in function.environment.sorted(by: { $0.key < $1.key }) {
                writer.key(name)
                if function.unresolvedVariables.contains(name) { writer.null() } else { writer.string(value) }
            }
            writer.closeObject()
            writer.key("logFormat"); writer.optional(function.loggingVariables[LogSettings.formatVariable])
            writer.key("logLevel"); writer.optional(function.loggingVariables[LogSettings.levelVariable])
            writer.key("notRunnable"); writer.optional(function.notRunnable)
            writer.closeObject()
        }
        writer.closeObject()
        writer.key("routes"); writer.openArray()
        for route in routes {
            writer.openObject()
            writer.key("api"); writer.string(route.apiId)
            writer.key("method"); writer.string(route.method)
            writer.key("path"); writer.string(route.path)
            writer.key("payloadVersion"); writer.string(route.payloadVersion2 ? "2.0" : "1.0")
            writer.key("function"); writer.string(route.functionId)
            writer.key("authorizer"); writer.optional(route.authorizer?.name)
            writer.key("timeoutInMillis"); writer.integer(Int64(route.integrationTimeoutMilliseconds))
            writer.closeObject()
        }
        writer.closeArray()
        writer.key("authorizers"); writer.openArray()
        for authorizer in authorizers {
            writer.openObject()
            writer.key("api"); writer.string(authorizer.apiId)
            writer.key("name"); writer.string(authorizer.name)
            writer.key("function"); writer.string(authorizer.functionId)
            writer.key("identitySource"); writer.openArray()
            authorizer.identitySources.forEach { writer.string($0.selectionExpression) }
            writer.closeArray()
            writer.key("ttlSeconds"); writer.integer(Int64(authorizer.reauthorizeEverySeconds))
            writer.key("simpleResponses"); writer.bool(true)
            writer.key("apiGatewayMayInvoke"); writer.bool(authorizer.apiGatewayMayInvoke)
            writer.closeObject()
        }
        writer.closeArray()
        writer.key("cors"); writer.openObject()
        for (api, cors) in corsConfigurations.sorted(by: { $0.key < $1.key }) {
            writer.key(api); writer.openObject()
            for (key, list) in [("allowOrigins", cors.allowOrigins), ("allowMethods", cors.allowMethods), ("allowHeaders", cors.allowHeaders),
                                ("exposeHeaders", cors.exposeHeaders)] {
                writer.key(key); writer.openArray(); list.forEach { writer.string($0) }; writer.closeArray()
            }
            writer.key("maxAge"); writer.optional(cors.maxAge)
            writer.key("allowCredentials"); writer.bool(cors.allowCredentials)
            writer.closeObject()
        }
        writer.closeObject()
        writer.key("notices"); writer.openArray()
        notices.forEach { writer.string($0) }
        writer.closeArray()
        writer.closeObject()
        return writer.bytes
    }
}

extension JSONWriter {
    fileprivate mutating func optional(_ value: String?) {
        if let value { string(value) } else { null() }
    }

    fileprivate mutating func optional(_ value: Int?) {
        if let value { integer(Int64(value)) } else { null() }
    }
}
