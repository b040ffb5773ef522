import RaidHubTime
#if canImport(Glibc)
import Glibc
#endif

/// A function executable's whole life: read the mode from the arguments and the environment,
/// build the handler from the environment, then serve one event or the Runtime API loop.
public struct FunctionProcess: Sendable {
    /// The executable's name, e.g. `authorize-user`.
    public let name: String
    /// One line saying what the function does, for `--help`.
    public let summary: String
    /// The variables the function reads, for `--help`: name and rule.
    public var variables: [(name: String, rule: String)] { describeVariables() }
    /// Built only for `--help`: an array of tuples is generic metadata the runtime instantiates
    /// on first use, which every cold start would otherwise pay for.
    private let describeVariables: @Sendable () -> [(name: String, rule: String)]
    /// Builds the handler; throws a configuration error that names a variable, never its value.
    public let makeHandler: @Sendable ([String: String]) throws -> any LambdaHandler
    /// Builds the Runtime API client for `host:port`; sockets by default.
    public let makeClient: @Sendable (String) -> any RuntimeAPIClient

    /// A process description for one function.
    public init(
        name: String, summary: String, variables: @autoclosure @escaping @Sendable () -> [(name: String, rule: String)],
        makeClient: @escaping @Sendable (String) -> any RuntimeAPIClient = { SocketRuntimeAPIClient(hostAndPort: $0) },
        makeHandler: @escaping @Sendable ([String: String]) throws -> any LambdaHandler
    ) {
        self.name = name
        self.summary = summary
        self.describeVariables = variables
        self.makeClient = makeClient
        self.makeHandler = makeHandler
    }

    /// Runs with the real arguments and environment; exits with the status `run` returns.
    public func main() -> Never {
        // A closed log pipe must not kill a function that can still answer its invocations.
        signal(SIGPIPE, SIG_IGN)
        exit(run(arguments: Array(CommandLine.arguments.dropFirst()), environment: ProcessEnvironment.current()))
    }

    /// Runs and returns the exit status: 0 when served, 1 when the function could not serve at
    /// all (configuration, unreadable input, Runtime API gone), 2 for a usage error.
    public func run(arguments: [String], environment: [String: String]) -> Int32 {
        let log = InvocationLog.standardError(functionName: name, settings: LogSettings(environment: environment))
        let mode: FunctionMode
        switch FunctionMode.parse(arguments: arguments, environment: environment) {
        case .success(let parsed): mode = parsed
        case .failure(let usage):
            POSIXFile.write(Array("\(name): \(usage.message)\nRun '\(name) --help' for usage.\n".utf8), to: 2)
            return 2
        }
        switch mode {
        case .help:
            print(helpText)
            return 0
        case .runtimeAPI(let hostAndPort):
            return serveRuntimeAPI(client: makeClient(hostAndPort), environment: environment, log: log)
        case .singleEvent(let source):
            return SingleInvocation(functionName: name, log: log).run(source: source, environment: environment, makeHandler: makeHandler)
        }
    }

    /// The Runtime API loop; an unusable configuration is reported to `/init/error` first.
    package func serveRuntimeAPI(client: any RuntimeAPIClient, environment: [String: String], log: InvocationLog) -> Int32 {
        let handler: any LambdaHandler
        do {
            handler = try makeHandler(environment)
        } catch {
            let failure = FunctionError(.invalidConfiguration, String(describing: error))
            log.failure(requestId: nil, failure)
            try? client.sendInitError(failure)
            return 1
        }
        let traceIdVariable = ReusedEnvironmentVariable(name: RuntimeAPI.traceIdEnvironmentVariable)
        let loop = RuntimeLoop(client: client, handler: handler, log: log) { traceIdVariable.set($0) }
        _ = loop.run()
        return 1
    }

    var helpText: String {
        let width = (variables.map(\.name.count).max() ?? 0) + 2
        let variableLines = variables.map { "  " + $0.name + String(repeating: " ", count: width - $0.name.count) + $0.rule }
        return """
        \(name): \(summary)

        Usage:
          \(name) < event.json          answer one event from standard input
          \(name) --event FILE          answer one event from FILE ('-' for standard input)
          \(name) --help                show this help

        The response JSON goes to standard output and a JSON log line to standard error. The exit
        status is 0 when the event was answered (a function error is answered too, as
        {"errorMessage","errorType","stackTrace"}), 1 when the function could not serve at all
        (invalid configuration, unreadable input), 2 for a usage error.

        When \(RuntimeAPI.environmentVariable) is set (as it is on AWS Lambda and under local-runner)
        and no --event is given, the function serves the Lambda Runtime API loop instead.

        Environment:
        \(variableLines.joined(separator: "\n"))
        """
    }
}
