import Foundation

/// A SAM-format env file: `{"FunctionLogicalId": {"K": "V"}, "Parameters": {"K": "V"}}`.
/// `Parameters` apply to every function, a function's own section after them.
public struct EnvironmentFile: Sendable, Equatable {
    /// Variables for every function.
    public var shared: [String: String]
    /// Variables by function logical id.
    public var perFunction: [String: [String: String]]

    /// No overrides.
    public init(shared: [String: String] = [:], perFunction: [String: [String: String]] = [:]) {
        self.shared = shared
        self.perFunction = perFunction
    }

    /// Reads the file at `url`; keys starting with `_` (comments) are ignored.
    public static func load(_ url: URL) throws -> EnvironmentFile {
        guard let data = try? Data(contentsOf: url) else { throw TemplateError("cannot read the env file \(url.path)") }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw TemplateError("the env file \(url.path) is not a JSON object")
        }
        var file = EnvironmentFile()
        for (key, value) in object where !key.hasPrefix("_") {
            guard let variables = value as? [String: Any] else { throw TemplateError("env file section '\(key)' is not an object") }
            let strings = variables.compactMapValues { value -> String? in
                switch value {
                case let string as String: string
                case let number as NSNumber: number.stringValue
                default: nil
                }
            }
            if key == "Parameters" { file.shared = strings } else { file.perFunction[key] = strings }
        }
        return file
    }

    /// The environment `function` runs with, and a warning for each variable the file sets that
    /// the template does not declare (Lambda would not have it, so it is not passed on).
    public func environment(for function: SAMTemplate.Function) -> (environment: [String: String], warnings: [String]) {
        var environment = function.environment
        var warnings: [String] = []
        for (name, value) in shared where environment[name] != nil { environment[name] = value }
        for (name, value) in perFunction[function.logicalId] ?? [:] {
            if environment[name] != nil {
                environment[name] = value
            } else {
                warnings.append("env file: \(function.logicalId).\(name) is not declared in the template's Environment.Variables; it is not passed to the function")
            }
        }
        return (environment, warnings)
    }
}
