import CLinuxEvents
import Foundation
import RaidHubAPIGatewayEmulator
import RaidHubEmulation
import RaidHubHTTP
import RaidHubHTTPServer
import RaidHubLambdaEmulator
import RaidHubTemplate

extension Array where Element: Hashable {
    /// The elements in order, each once.
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}

/// `local-runner`'s command line: `start-api` (the default), `invoke`, `start-lambda`, with SAM
/// CLI's flags (`RunnerOptions`).
public struct RunnerCommand {
    typealias Options = RunnerOptions

    /// Runs the command line; returns the exit status (0 ok, 1 failure or function error, 2 usage).
    public static func main(_ arguments: [String]) -> Int32 {
        signal(SIGPIPE, SIG_IGN)  // a client or a reader that goes away must never end the runner
        HTTPServer.raiseDescriptorLimit()  // before any server: their connection caps follow it
        // Bodies and events of a megabyte or more get pages of their own, given back when freed.
        // glibc's default raises this threshold after the first large free, and then keeps
        // large buffers in its heap for good: twenty 5 MB requests at once left the runner at
        // 212 MB until it exited.
        _ = clinux_mmap_allocations_from(1024 * 1024)
        let options: Options
        do { options = try Options.parse(arguments) } catch {
            Console.error("local-runner: \(error.message)\nRun 'local-runner --help' for usage.\n")
            return 2
        }
        if options.help {
            Console.output(Array((help(options.command) + "\n").utf8))
            return 0
        }
        options.notices.forEach { Console.error("local-runner: \($0)\n") }
        do {
            switch options.command {
            case .fakeBungie:
                return try serveFakeBungie(options)
            case .describe:
                Console.output(try loadTemplate(options).descriptionJSON + [0x0A])
                return 0
            case .invoke:
                return try invoke(try makeRunner(options), options)
            case .startAPI:
                let runner = try makeRunner(options)
                return try serve(runner, options, port: options.port ?? 3000, name: "start-api") { host in
                    let emulator = APIGatewayEmulator(runner: runner, host: host, staticDirectory: staticDirectory(options),
                                                      authorizersEnabled: !options.disableAuthorizer)
                    // Taken on the server's loop: a request waiting for its function holds no thread.
                    return .deferred { request, responder in emulator.respond(to: request, whenCallerLeaves: responder.onClientGone) { responder.respond($0) } }
                }
            case .startLambda:
                let runner = try makeRunner(options)
                return try serve(runner, options, port: options.port ?? 3001, name: "start-lambda", limits: LambdaInvokeEmulator.serverLimits) { _ in .blocking(LambdaInvokeEmulator(runner: runner).respond(to:)) }
            }
        } catch {
            Console.error("local-runner: \(error)\n")
            return 1
        }
    }

    /// `fake-bungie`: Bungie.net's sign-in endpoints, made up, until SIGINT or SIGTERM.
    private static func serveFakeBungie(_ options: Options) throws -> Int32 {
        let fake = FakeBungieNet()
        let server = HTTPServer(host: options.host, port: options.port ?? 3002) { fake.respond(to: $0) }
        let port = try server.start()
        Console.error("local-runner fake-bungie: Bungie.net's sign-in on http://\(options.host):\(port) (development only)\n"
            + "  point authorize-bungie at it: BUNGIE_BASE_URL=http://127.0.0.1:\(port) (local-runner/env.json does)\n"
            + "  the code picks the player: digits are its membership id; 'invalid' is refused\n")
        return waitForShutdown(server, nil)
    }

    /// `--debugger-path` (the folder holding `lldb-server`, or the program), else the
    /// toolchain's `lldb-server` beside `swift` on the PATH.
    private static func debuggerPath(_ options: Options) throws -> String {
        var candidates: [String] = []
        if let given = options.debuggerPath { candidates = [given, given + "/lldb-server"] }
        else {
            candidates = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/lldb-server" }
        }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) && !$0.hasSuffix("/") }) else {
            throw RunnerError("--debug-port needs lldb-server (it ships with the Swift toolchain); none found" + (options.debuggerPath.map { " at \($0)" } ?? " on the PATH"))
        }
        return found
    }

    /// `--static-dir`, or SAM's default `public` when that folder exists.
    private static func staticDirectory(_ options: Options) -> URL? {
        let path = options.staticDirectory ?? "public"
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { return nil }
        return URL(fileURLWithPath: path, isDirectory: true)
    }

    /// `--template`, else `template.yaml`, else `template.yml`, as SAM looks for it.
    private static func templateURL(_ options: Options) -> URL {
        if let path = options.template { return URL(fileURLWithPath: path) }
        let yml = URL(fileURLWithPath: "template.yml")
        return !FileManager.default.fileExists(atPath: "template.yaml") && FileManager.default.fileExists(atPath: yml.path) ? yml : URL(fileURLWithPath: "template.yaml")
    }

    private static func loadTemplate(_ options: Options) throws -> SAMTemplate {
        let templateURL = templateURL(options)
        guard FileManager.default.fileExists(atPath: templateURL.path) else {
            throw RunnerError("no template at \(templateURL.path) (run from the project folder, or pass --template FILE)")
        }
        return try SAMTemplate.load(templateURL, parameterOverrides: options.parameterOverrides, region: options.region ?? "us-east-1")
    }

    private static func makeRunner(_ options: Options) throws -> LambdaEmulator {
        let templateURL = templateURL(options)
        let template = try loadTemplate(options)
        // Once, at start: what the runner reads but cannot run as AWS would.
        template.notices.forEach { Console.error("local-runner: \($0)\n") }
        let defaultEnvFile = templateURL.deletingLastPathComponent().appendingPathComponent("local-runner/env.json")
        var envFile: EnvironmentFile
        if let path = options.envVars {
            envFile = try EnvironmentFile.load(URL(fileURLWithPath: path))
        } else if FileManager.default.fileExists(atPath: defaultEnvFile.path) {
            envFile = try EnvironmentFile.load(defaultEnvFile)
        } else {
            envFile = EnvironmentFile()
        }
        envFile.shell = ProcessInfo.processInfo.environment
        envFile.warnings(for: template).forEach { Console.error("local-runner: \($0)\n") }
        let executables = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        try ExecutableBuilder.ensureBuilt(template.functions.filter { $0.notRunnable == nil }.map(\.executableName), in: executables, packageRoot: templateURL.deletingLastPathComponent())
        if let name = options.debugFunction ?? (options.command == .invoke ? options.function : nil), options.debugPort != nil,
           template.function(named: name) == nil {
            throw RunnerError("--debug-function names '\(name)', which is not a function of the template")
        }
        let debugger = try options.debugPort.map { port in
            FunctionDefinition.Debugger(path: try debuggerPath(options), port: port, arguments: options.debugArgs,
                                        function: options.debugFunction ?? options.function ?? template.functions.first?.logicalId ?? "")
        }
        let runner = LambdaEmulator(template: template, environmentFile: envFile, executablesDirectory: executables, maximumInstances: options.maximumInstances,
                                 log: try options.logFile.map(LambdaLog.file) ?? .standardError, runnerLog: RunnerLog(debug: options.debug),
                                 region: options.region, debugger: debugger)
        if options.watch {
            SourceWatcher(packageRoot: templateURL.deletingLastPathComponent().standardizedFileURL,
                          products: template.functions.filter { $0.notRunnable == nil }.map(\.executableName).uniqued(),
                          executablesDirectory: executables, runner: runner).start()
        }
        return runner
    }

    private static func invoke(_ runner: LambdaEmulator, _ options: Options) throws -> Int32 {
        defer { runner.shutdown() }
        let event: Data
        if let path = options.event, path != "-" {
            guard let data = FileManager.default.contents(atPath: path) else { throw RunnerError("cannot read the event file \(path)") }
            event = data
        } else if options.event == "-" {  // SAM reads stdin when --event is "-"
            event = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            event = Data("{}".utf8)  // no --event, or --no-event: SAM's empty event
        }
        let result = try runner.invoke(options.function ?? "", event: Array(event))
        switch result {
        case .response(let payload):
            Console.output(payload + [0x0A])
            return 0
        default:
            Console.output((result.errorPayload ?? []) + [0x0A])
            return 1
        }
    }

    private static func serve(
        _ runner: LambdaEmulator, _ options: Options, port: UInt16, name: String, limits: HTTPServer.Limits = HTTPServer.Limits(),
        handler: (String) -> Answering
    ) throws -> Int32 {
        let authority = options.host.contains(":") ? "[\(options.host)]:\(port)" : "\(options.host):\(port)"
        // A request the server answers itself (malformed, too large, too slow) gets its access
        // line like any other.
        let refused: @Sendable (HTTPServer.Refusal) -> Void = { [runnerLog = runner.runnerLog] refusal in
            let path = refusal.target.map { String($0.split(separator: "?", maxSplits: 1).first ?? "") } ?? "-"
            runnerLog.access(RunnerLog.Access(method: refusal.method ?? "-", path: path, route: nil, function: nil, status: refusal.status,
                                              duration: .zero, requestId: LocalIdentifier.uuid()))
        }
        let server = switch handler(authority) {
        case .blocking(let handler): HTTPServer(host: options.host, port: port, limits: limits, onRefusal: refused, handler: handler)
        case .deferred(let handler): HTTPServer(host: options.host, port: port, limits: limits, onRefusal: refused, deferredHandler: handler)
        }
        let bound = try server.start()
        let base = "http://" + (options.host.contains(":") ? "[\(options.host)]" : options.host) + ":\(bound)"
        Console.error("local-runner \(name): listening on \(base)\n")
        for route in runner.template.routes where name == "start-api" {
            Console.error("  \(route.method) \(base)\(route.isCatchAll ? "/*" : route.path) -> \(route.functionId)\(route.authorizer.map { " (authorizer \($0.functionId))" } ?? "")\n")
        }
        if options.warmContainers == .eager { runner.startEveryFunction() }
        if let waiting = runner.startDebuggedFunction() { Console.error("local-runner: \(waiting)\n") }
        return waitForShutdown(server, runner)
    }

    /// How a served command answers: on a worker thread, or on the server's loop.
    private enum Answering {
        case blocking(HTTPServer.Handler)
        case deferred(HTTPServer.DeferredHandler)
    }

    /// SIGINT or SIGTERM: stop accepting and let requests in flight finish for up to 10 s (a
    /// second signal ends that at once), then stop every instance, busy ones too, and wait for
    /// them to exit. The exit status is the shell's for the signal: 130 or 143.
    private static func waitForShutdown(_ server: HTTPServer, _ runner: LambdaEmulator?) -> Int32 {
        let received = Locked<[Int32]>([])
        let first = DispatchSemaphore(value: 0)
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let sources = [SIGINT, SIGTERM].map { signalNumber in
            let source = DispatchSource.makeSignalSource(signal: signalNumber)
            source.setEventHandler {
                let count = received.withLock { $0.append(signalNumber); return $0.count }
                if count == 1 { first.signal() } else { server.stop(grace: .zero) }
            }
            source.resume()
            return source
        }
        first.wait()
        Console.error("local-runner: stopping; requests in flight have 10 s to finish (signal again to stop now)\n")
        server.stop(grace: .seconds(10))
        server.waitUntilStopped()
        runner?.shutdown()
        sources.forEach { $0.cancel() }
        return 128 + (received.withLock { $0.first } ?? SIGTERM)
    }

    static func help(_ command: Options.Command) -> String {
        switch command {
        case .invoke:
            """
            local-runner invoke FUNCTION [-e FILE | - | --no-event] [-n ENV_FILE] [-t TEMPLATE] [--parameter-overrides ...]

            Runs one invocation of FUNCTION (logical id or executable name) through the Lambda
            Runtime API, like `sam local invoke`: the response JSON on stdout, Lambda's log lines
            and the function's own on stderr (or --log-file). Exit status 0 on a response, 1 on a
            function error, crash, timeout or init error, 2 on a usage error. Without --event the
            event is {}. SAM's flags work as in SAM (docs/sam-flags.md); -d PORT runs the function
            under lldb-server for a debugger.
            """
        case .describe:
            """
            local-runner describe [-t TEMPLATE] [--parameter-overrides ...] [--region REGION]

            Prints the runner's reading of the template as JSON, and runs nothing: each function's
            timeout, memory, reserved concurrency, environment (null where only a deploy knows the
            value) and logging; the routes with method, path, payload version, function, authorizer
            and integration timeout; the authorizers with function, identity sources, cache TTL and
            whether API Gateway may invoke them; CORS; and what the runner says at start.
            scripts/compare-template-reading.py compares it with SAM's own translation.
            """
        case .fakeBungie:
            """
            local-runner fake-bungie [--host 127.0.0.1] [-p 3002]

            A made-up Bungie.net for trying sign-in locally: the OAuth token exchange and the
            player's memberships. The authorization code picks the player (digits are its
            membership id); the code 'invalid' is refused as an expired code is. local-runner/env.json
            points authorize-bungie at http://127.0.0.1:3002. Development only.
            """
        case .startAPI, .startLambda:
            """
            local-runner [start-api] [--host 127.0.0.1] [-p 3000] [-n ENV_FILE] [-t TEMPLATE] [--watch] [--debug] ...
            local-runner start-lambda [--host 127.0.0.1] [-p 3001] [-n ENV_FILE] [-t TEMPLATE] ...
            local-runner invoke FUNCTION [-e FILE | -] [-n ENV_FILE] [-t TEMPLATE] ...
            local-runner fake-bungie [-p 3002]
            local-runner describe [-t TEMPLATE]

            Runs the functions of template.yaml as Lambda would, with no container: each function's
            real executable serves the Lambda Runtime API; instances stay warm, up to N per function
            (--max-instances, or the template's ReservedConcurrentExecutions, default 4) run in
            parallel and callers queue beyond that. Calls beyond ReservedConcurrentExecutions are
            throttled, as on Lambda. docs/local-runner.md lists what is emulated and what is not.

              start-api     API Gateway on http://HOST:PORT: the template's HttpApi (payload 2.0)
                            and Api (1.0) routes, their Lambda authorizers and CORS, 404/401/403,
                            502 on a function error or crash, 504 on a timeout, 503 past the
                            integration timeout (TimeoutInMillis, 30 s). The default command.
              start-lambda  the Lambda Invoke API: POST /2015-03-31/functions/NAME/invocations.
              invoke        one invocation; see 'local-runner invoke --help'.
              fake-bungie   a made-up Bungie.net for trying sign-in; see 'local-runner fake-bungie --help'.
              describe      prints the runner's reading of the template as JSON; see 'local-runner describe --help'.

            SAM CLI's flags work with SAM's meaning (docs/sam-flags.md lists every one); those that
            only steer Docker are accepted and ignored. The runner's own: --max-instances N, and
            --watch (rebuild the functions when their sources change and serve the new build; a
            failed build keeps the last good one serving). --debug says why each request went where
            it did; each request gets one access line on stderr.

            The environment: the template's Environment.Variables, overridden by the shell, then by
            the SAM-format env file (default local-runner/env.json, development-only values).
            Missing function executables are built first (swift build --product NAME).
            """
        }
    }
}

/// The runner's Lambda answers API Gateway's Invoke calls: a route's integration, an authorizer.
extension LambdaEmulator: LambdaIntegration {
    public func prepare(_ function: SAMTemplate.Function) throws {
        do { _ = try pool(for: function) } catch {
            say("\(function.logicalId): cannot run: \(error); 502")
            throw error
        }
    }

    public func invoke(_ function: SAMTemplate.Function, event: [UInt8], traceId: String?, answerBy: ContinuousClock.Instant,
                       answer: @escaping @Sendable (InvocationResult?) -> Void) throws -> (@Sendable () -> Void)? {
        try pool(for: function).invoke(event, traceId: traceId, clientContext: nil, answerBy: answerBy, completion: answer)
    }
}

extension APIGatewayEmulator {
    /// start-api's gateway: `runner`'s template, functions, region, time and log, answering as
    /// `host` (e.g. `127.0.0.1:3000`).
    public convenience init(runner: LambdaEmulator, host: String, staticDirectory: URL? = nil, authorizersEnabled: Bool = true) {
        self.init(template: runner.template, lambda: runner, host: host, region: runner.region, timekeeper: runner.timekeeper,
                  runnerLog: runner.runnerLog, staticDirectory: staticDirectory, authorizersEnabled: authorizersEnabled)
    }
}

/// Why a command could not start: no template where it was looked for, a file it could not
/// read, a debugger it could not find, executables it could not build.
struct RunnerError: Error, CustomStringConvertible {
    /// The reason.
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
