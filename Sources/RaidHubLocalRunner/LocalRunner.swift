import Foundation

/// The runner's state: the template, the env file, where the executables are, and one warm
/// instance pool per function, created on first use.
public final class LocalRunner: @unchecked Sendable {
    /// The template read at start.
    public let template: SAMTemplate
    private let environmentFile: EnvironmentFile
    private let executablesDirectory: URL
    private let maximumInstances: Int?
    private let log: LambdaLog
    private let lock = NSLock()
    private var pools: [String: InstancePool] = [:]

    /// A runner for `template`, with executables in `executablesDirectory`.
    public init(template: SAMTemplate, environmentFile: EnvironmentFile, executablesDirectory: URL,
                maximumInstances: Int? = nil, log: LambdaLog = .standardError) {
        self.template = template
        self.environmentFile = environmentFile
        self.executablesDirectory = executablesDirectory
        self.maximumInstances = maximumInstances
        self.log = log
    }

    /// The pool of `function`, created (with its env-file warnings logged) on first use.
    public func pool(for function: SAMTemplate.Function) throws -> InstancePool {
        try lock.withLock {
            if let pool = pools[function.logicalId] { return pool }
            if let reason = function.notRunnable { throw TemplateError(reason) }
            let executable = executablesDirectory.appendingPathComponent(function.executableName)
            guard FileManager.default.isExecutableFile(atPath: executable.path) else {
                throw TemplateError("\(function.logicalId)'s executable \(executable.path) is missing: run `swift build --product \(function.executableName)`")
            }
            let (environment, warnings) = environmentFile.environment(for: function)
            warnings.forEach(log.line)
            let definition = FunctionDefinition(
                logicalId: function.logicalId, executable: executable, environment: environment,
                timeoutSeconds: function.timeoutSeconds, memoryMB: function.memoryMB,
                maximumInstances: maximumInstances ?? function.reservedConcurrency ?? 4, reservedConcurrency: function.reservedConcurrency,
                loggingVariables: function.loggingVariables)
            let pool = InstancePool(definition: definition, log: log)
            pools[function.logicalId] = pool
            return pool
        }
    }

    /// Invokes the function named `name` (logical id or executable name) with `event`.
    /// With `tail`, the invocation's log is also kept there.
    public func invoke(_ name: String, event: [UInt8], traceId: String? = nil, clientContext: String? = nil, tail: LogTail? = nil) throws -> InvocationResult {
        guard let function = template.function(named: name) else {
            throw TemplateError("unknown function '\(name)'; the template has \(template.functions.map(\.logicalId).joined(separator: ", "))")
        }
        return try pool(for: function).invoke(event, traceId: traceId, clientContext: clientContext, tail: tail)
    }

    /// Stops every warm instance.
    public func shutdown() {
        lock.withLock { Array(pools.values) }.forEach { $0.shutdown() }
    }
}
