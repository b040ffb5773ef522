import RaidHubJSON

/// Writes an authorizer's answer in the shape its event needs.
public enum AuthorizerResponse {
    /// One value of the authorizer context: API Gateway allows strings, numbers and booleans only.
    public enum ContextValue: Sendable, Equatable {
        case string(String)
        case bool(Bool)
    }

    /// HTTP API simple response: `{"isAuthorized":…,"context":{…}}`.
    public static func simple(isAuthorized: Bool, context: KeyValuePairs<String, ContextValue>) -> [UInt8] {
        var writer = JSONWriter()
        writer.openObject()
        writer.key("isAuthorized")
        writer.bool(isAuthorized)
        if !context.isEmpty { write(context, to: &writer) }
        writer.closeObject()
        return writer.bytes
    }

    /// REST API IAM policy: `Allow` on `allowed`, `Deny` on `denied` (a Deny wins over an Allow, so
    /// a cached policy stays right for every route it is reused on).
    public static func policy(
        principalId: String, allowed: [String], denied: [String], context: KeyValuePairs<String, ContextValue>
    ) -> [UInt8] {
        var writer = JSONWriter()
        writer.openObject()
        writer.key("principalId")
        writer.string(principalId)
        writer.key("policyDocument")
        writer.openObject()
        writer.key("Version")
        writer.string("2012-10-17")
        writer.key("Statement")
        writer.openArray()
        for (effect, resources) in [("Allow", allowed), ("Deny", denied)] where !resources.isEmpty {
            writer.openObject()
            writer.key("Action"); writer.string("execute-api:Invoke")
            writer.key("Effect"); writer.string(effect)
            writer.key("Resource")
            writer.openArray()
            for resource in resources { writer.string(resource) }
            writer.closeArray()
            writer.closeObject()
        }
        writer.closeArray()
        writer.closeObject()
        if !context.isEmpty { write(context, to: &writer) }
        writer.closeObject()
        return writer.bytes
    }

    private static func write(_ context: KeyValuePairs<String, ContextValue>, to writer: inout JSONWriter) {
        writer.key("context")
        writer.openObject()
        for (key, value) in context {
            writer.key(key)
            switch value {
            case .string(let string): writer.string(string)
            case .bool(let bool): writer.bool(bool)
            }
        }
        writer.closeObject()
    }
}
