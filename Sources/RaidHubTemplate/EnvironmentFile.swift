import Foundation

/// A SAM-format env file: `{"FunctionLogicalId": {"K": "V"}, "Parameters": {"K": "V"}}`, and
/// the shell's environment. As SAM resolves a function's declared variables: the env file
/// (`Parameters`, then the function's own section), else the shell, else the template's value.
public struct EnvironmentFile: Sendable, Equatable {
    /// Variables for every function; a key may also name a template parameter, setting each
    /// variable written `!Ref Parameter` (how a `NoEcho` parameter is given locally).
    public var shared: [String: String]
    /// Variables by function logical id (or executable name).
    public var perFunction: [String: [String: String]]
    /// The shell's environment: it overrides the template's values of declared variables.
    public var shell: [String: String] = [:]

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
        for name in function.environment.keys { if let value = shell[name] { environment[name] = value } }
        for (variable, parameter) in function.parameterOf { if let value = shared[parameter] { environment[variable] = value } }
        for (name, value) in shared where environment[name] != nil { environment[name] = value }
        for (name, value) in section(for: function) ?? [:] {
            if environment[name] != nil {
                environment[name] = value
            } else {
                warnings.append("env file: \(function.logicalId).\(name) is not declared in the template's Environment.Variables; it is not passed to the function")
            }
        }
        return (environment, warnings)
    }

    /// The function's own section: by logical id, else by executable name.
    private func section(for function: SAMTemplate.Function) -> [String: String]? {
        perFunction[function.logicalId] ?? perFunction[function.executableName]
    }

    /// What the file sets that nothing uses: a section naming no function, a `Parameters` key
    /// that is neither a variable nor a parameter of any function (a typo, most likely).
    public func warnings(for template: SAMTemplate) -> [String] {
        var warnings: [String] = []
        for name in perFunction.keys.sorted() where template.function(named: name) == nil {
            warnings.append("env file: section '\(name)' names no function of the template" + name.suggestion(among: template.functions.map(\.logicalId)))
        }
        let known = Set(template.functions.flatMap { Array($0.environment.keys) + Array($0.parameterOf.values) })
        for name in shared.keys.sorted() where !known.contains(name) {
            warnings.append("env file: Parameters.\(name) is neither a variable nor a parameter any function uses" + name.suggestion(among: known.sorted()))
        }
        return warnings
    }
}
