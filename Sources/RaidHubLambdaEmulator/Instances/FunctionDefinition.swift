import Foundation

/// What the runner needs to run one function: where its executable is and how Lambda would
/// configure it (from the template, then the env file).
public struct FunctionDefinition: Sendable, Equatable {
    /// The template's logical id, e.g. `AuthorizeUserFunction`.
    public var logicalId: String
    /// The executable's path.
    public var executable: URL
    /// The function's own environment (template variables, env-file overrides applied).
    public var environment: [String: String]
    /// `Timeout`, in seconds.
    public var timeoutSeconds: Int
    /// `MemorySize`, in MB (reported, not enforced).
    public var memoryMB: Int
    /// How many instances may run at once; callers beyond them wait for one.
    public var maximumInstances: Int
    /// `ReservedConcurrentExecutions`: invocations beyond it (running or waiting) are throttled,
    /// as Lambda throttles them; nil, no limit but `maximumInstances`' queue.
    public var reservedConcurrency: Int?
    /// The logging variables Lambda sets from the template's `LoggingConfig`.
    public var loggingVariables: [String: String]
    /// `--region`: AWS_REGION and the region in its ARN.
    public var region = "us-east-1"
    /// `-d/--debug-port`: the instance runs under lldb-server, waiting for a debugger.
    public var debugger: Debugger?

    /// lldb-server's gdb-remote port for one function (`--debug-port`, `--debug-function`).
    public struct Debugger: Sendable, Equatable {
        /// lldb-server.
        public var path: String
        /// The loopback port a debugger attaches to (`gdb-remote PORT` in lldb).
        public var port: UInt16
        /// `--debug-args`, passed to lldb-server before the program.
        public var arguments: [String]
        /// The function it applies to (`--debug-function`).
        public var function: String

        /// A debugger for `function` on `port`.
        public init(path: String, port: UInt16, arguments: [String], function: String) {
            self.path = path
            self.port = port
            self.arguments = arguments
            self.function = function
        }
    }

    /// A definition with every field given.
    public init(logicalId: String, executable: URL, environment: [String: String], timeoutSeconds: Int = 3,
                memoryMB: Int = 128, maximumInstances: Int = 4, reservedConcurrency: Int? = nil, loggingVariables: [String: String] = [:]) {
        self.logicalId = logicalId
        self.executable = executable
        self.environment = environment
        self.timeoutSeconds = timeoutSeconds
        self.memoryMB = memoryMB
        self.maximumInstances = maximumInstances
        self.reservedConcurrency = reservedConcurrency
        self.loggingVariables = loggingVariables
    }

    /// The environment an instance starts with: a Lambda-like base, the function's variables,
    /// then the reserved variables, which (as on Lambda) the function's cannot override.
    /// The function's ARN as Lambda (and AWS's emulator) would give it: the account and region
    /// the runner emulates, and the function's own name.
    var functionARN: String { "arn:aws:lambda:\(region):000000000000:function:\(logicalId)" }

    func instanceEnvironment(runtimeAPI: String) -> [String: String] {
        var environment = [
            "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "en_US.UTF-8", "TZ": ":UTC",
        ]
        environment.merge(self.environment) { $1 }
        environment.merge([
            "AWS_LAMBDA_RUNTIME_API": runtimeAPI,
            "AWS_LAMBDA_FUNCTION_NAME": logicalId,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": String(memoryMB),
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_TIMEOUT": String(timeoutSeconds),
            "AWS_REGION": region,
            "AWS_DEFAULT_REGION": region,
            "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/\(logicalId)",
            "AWS_LAMBDA_LOG_STREAM_NAME": "local/[$LATEST]\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))",
            "_HANDLER": executable.lastPathComponent,
            "LAMBDA_TASK_ROOT": executable.deletingLastPathComponent().path,
            "AWS_SAM_LOCAL": "true",
        ]) { $1 }
        environment.merge(loggingVariables) { $1 }
        return environment
    }
}
