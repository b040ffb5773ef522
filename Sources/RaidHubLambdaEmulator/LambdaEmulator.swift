import Foundation
import RaidHubEmulation
import RaidHubTemplate

/// Lambda as the runner emulates it: the template's functions, their env-file variables, where
/// the executables are, and one warm instance pool per function, created on first use.
public final class LambdaEmulator: @unchecked Sendable {
    /// The template read at start.
    public let template: SAMTemplate
    private let environmentFile: EnvironmentFile
    private let executablesDirectory: URL
    private let maximumInstances: Int?
    private let log: LambdaLog
    /// The region the runner emulates (`--region`, else us-east-1): in ARNs and `AWS_REGION`.
    public var region: String { regionOverride ?? "us-east-1" }
    /// The access and `--debug` lines.
    public let runnerLog: RunnerLog
    private let regionOverride: String?
    private let debugger: FunctionDefinition.Debugger?
    /// The runner's time: every pool's deadlines and durations, the gateway's too.
    public let timekeeper: Timekeeper
    private let lock = NSLock()
    private var pools: [String: InstancePool] = [:]

    /// A runner for `template`, with executables in `executablesDirectory`.
    /// `log` takes Lambda's lines and the functions' output (`--log-file`), `runnerLog` the
    /// runner's own (access lines, `--debug`); `timekeeper` is real time unless a test moves it.
    public init(template: SAMTemplate, environmentFile: EnvironmentFile, executablesDirectory: URL,
                maximumInstances: Int? = nil, log: LambdaLog = .standardError, runnerLog: RunnerLog = .silent,
                region: String? = nil, debugger: FunctionDefinition.Debugger? = nil, timekeeper: Timekeeper = Timekeeper()) {
        self.timekeeper = timekeeper
        self.regionOverride = region
        self.debugger = debugger
        self.template = template
        self.environmentFile = environmentFile
        self.executablesDirectory = executablesDirectory
        self.maximumInstances = maximumInstances
        self.log = log
        self.runnerLog = runnerLog
    }

    /// The pool of `function`, created (with its env-file warnings logged) on first use.
    public func pool(for function: SAMTemplate.Function) throws -> InstancePool {
        try lock.withLock {
            if let pool = pools[function.logicalId] { return pool }
            if let reason = function.notRunnable { throw LambdaEmulatorError(reason) }
            let executable = executablesDirectory.appendingPathComponent(function.executableName)
            guard FileManager.default.isExecutableFile(atPath: executable.path) else {
                throw LambdaEmulatorError("\(function.logicalId)'s executable \(executable.path) is missing: run `swift build --product \(function.executableName)`")
            }
            let (environment, warnings) = environmentFile.environment(for: function)
            warnings.forEach(log.line)
            var definition = FunctionDefinition(
                logicalId: function.logicalId, executable: executable, environment: environment,
                timeoutSeconds: function.timeoutSeconds, memoryMB: function.memoryMB,
                maximumInstances: maximumInstances ?? function.reservedConcurrency ?? 4, reservedConcurrency: function.reservedConcurrency,
                loggingVariables: function.loggingVariables)
            if let regionOverride { definition.region = regionOverride }
            if let debugger, template.function(named: debugger.function)?.logicalId == function.logicalId {
                // One debugger port: one instance; a paused breakpoint must not end as a timeout.
                definition.debugger = debugger
                definition.maximumInstances = 1
                definition.timeoutSeconds = 3600
                runnerLog.debug("\(function.logicalId): runs under \(debugger.path) on 127.0.0.1:\(debugger.port); attach with `lldb` then `gdb-remote \(debugger.port)`")
            }
            let pool = InstancePool(definition: definition, log: log, runnerLog: runnerLog, timekeeper: timekeeper)
            pools[function.logicalId] = pool
            return pool
        }
    }

    /// Writes one line of the runner's to Lambda's log (where `cannot start` lines go).
    package func say(_ line: String) {
        log.line(line)
    }

    /// Invokes the function named `name` (logical id or executable name) with `event`.
    /// With `tail`, the invocation's log is also kept there.
    public func invoke(_ name: String, event: [UInt8], traceId: String? = nil, clientContext: String? = nil, tail: LogTail? = nil) throws -> InvocationResult {
        guard let function = template.function(named: name) else {
            throw LambdaEmulatorError("unknown function '\(name)'; the template has \(template.functions.map(\.logicalId).joined(separator: ", "))")
        }
        return try pool(for: function).invoke(event, traceId: traceId, clientContext: clientContext, tail: tail)
    }

    /// Invokes the function named `name` without blocking: `completion` gets how it ended (the
    /// Invoke API's `Event` invocations, which hold no thread while they wait or run).
    public func invoke(_ name: String, event: [UInt8], traceId: String? = nil, completion: @escaping @Sendable (InvocationResult) -> Void) throws {
        guard let function = template.function(named: name) else {
            throw LambdaEmulatorError("unknown function '\(name)'; the template has \(template.functions.map(\.logicalId).joined(separator: ", "))")
        }
        let pool = try pool(for: function)
        pool.invoke(event, traceId: traceId, clientContext: nil, answerBy: nil) { result in
            completion(result ?? .timedOut(seconds: pool.definition.timeoutSeconds))
        }
    }

    /// `--warm-containers EAGER`: starts one instance of every runnable function now, as SAM
    /// starts their containers at boot; a function that cannot start is said and skipped.
    public func startEveryFunction() {
        for function in template.functions where function.notRunnable == nil {
            do { try pool(for: function).startInstance() } catch { runnerLog.debug("\(function.logicalId): not started: \(error)"); log.line("\(function.logicalId): cannot start: \(error)") }
        }
    }

    /// `--debug-port`: starts the debugged function's instance now, under lldb-server and stopped
    /// until a debugger attaches, so one can attach before the first request; what to say about
    /// it, nil without a debugger.
    public func startDebuggedFunction() -> String? {
        guard let debugger, let function = template.function(named: debugger.function) else { return nil }
        do {
            try pool(for: function).startInstance()
        } catch {
            return "\(function.logicalId): cannot start under \(debugger.path): \(error)"
        }
        return "\(function.logicalId) runs under lldb-server, stopped until a debugger attaches to 127.0.0.1:\(debugger.port) "
            + "(in lldb: `gdb-remote \(debugger.port)`)"
    }

    /// After `--watch` rebuilt the executables: every function replaces its instances on its
    /// next request, without waiting for its half-second look at the executable.
    package func executablesRebuilt() {
        lock.withLock { Array(pools.values) }.forEach { $0.forgetExecutableStamp() }
    }

    /// Stops every warm instance.
    public func shutdown() {
        lock.withLock { Array(pools.values) }.forEach { $0.shutdown() }
    }
}

/// Why the emulated Lambda could not run what it was asked to: an unknown or unrunnable
/// function, a missing executable, a pipe or log file the system refused, the runner stopping.
public struct LambdaEmulatorError: Error, CustomStringConvertible, Equatable {
    /// The reason.
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
