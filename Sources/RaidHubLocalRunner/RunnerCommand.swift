import Foundation
import Synchronization
import RaidHubHTTP
import RaidHubHTTPServer

/// `local-runner`'s command line: `start-api` (the default), `invoke`, `start-lambda`.
public struct RunnerCommand {
    enum Command: String {
        case startAPI = "start-api"
        case invoke
        case startLambda = "start-lambda"
    }

    struct Options {
        var command = Command.startAPI
        var host = "127.0.0.1"
        var port: UInt16?
        var template = "template.yaml"
        var envVars: String?
        var maximumInstances: Int?
        var function: String?
        var event: String?
        var help = false
    }

    struct UsageError: Error {
        let message: String
    }

    /// Runs the command line; returns the exit status (0 ok, 1 failure or function error, 2 usage).
    public static func main(_ arguments: [String]) -> Int32 {
        signal(SIGPIPE, SIG_IGN)  // a client or a reader that goes away must never end the runner
        let options: Options
        do { options = try parse(arguments) } catch {
            Console.error("local-runner: \(error.message)\nRun 'local-runner --help' for usage.\n")
            return 2
        }
        if options.help {
            Console.output(Array((help(options.command) + "\n").utf8))
            return 0
        }
        do {
            let runner = try makeRunner(options)
            switch options.command {
            case .invoke: return try invoke(runner, options)
            case .startAPI: return try serve(runner, options, port: options.port ?? 3000, name: "start-api") { APIGatewayEmulator(runner: runner, host: $0).respond(to:) }
            case .startLambda: return try serve(runner, options, port: options.port ?? 3001, name: "start-lambda") { _ in LambdaInvokeEmulator(runner: runner).respond(to:) }
            }
        } catch {
            Console.error("local-runner: \(error)\n")
            return 1
        }
    }

    static func parse(_ arguments: [String]) throws(UsageError) -> Options {
        var options = Options()
        var rest = arguments[...]
        if let first = rest.first, let command = Command(rawValue: first) {
            options.command = command
            rest = rest.dropFirst()
        }
        while let argument = rest.popFirst() {
            func value() throws(UsageError) -> String {
                guard let value = rest.popFirst() else { throw UsageError(message: "\(argument) needs a value") }
                return value
            }
            switch argument {
            case "--help", "-h": options.help = true
            case "--host" where options.command != .invoke: options.host = try value()
            case "--port" where options.command != .invoke:
                let text = try value()
                guard let port = UInt16(text) else { throw UsageError(message: "--port must be a number from 0 to 65535, not '\(text)'") }
                options.port = port
            case "--template", "-t": options.template = try value()
            case "--env-vars", "-n": options.envVars = try value()
            case "--max-instances" where options.command != .invoke:
                let text = try value()
                guard let count = Int(text), count > 0 else { throw UsageError(message: "--max-instances must be a positive number") }
                options.maximumInstances = count
            case "--event" where options.command == .invoke, "-e" where options.command == .invoke: options.event = try value()
            default:
                if options.command == .invoke, options.function == nil, !argument.hasPrefix("-") {
                    options.function = argument
                } else {
                    throw UsageError(message: "unknown argument '\(argument)' for \(options.command.rawValue)")
                }
            }
        }
        if options.command == .invoke, options.function == nil, !options.help { throw UsageError(message: "invoke needs a FUNCTION") }
        return options
    }

    private static func makeRunner(_ options: Options) throws -> LocalRunner {
        let templateURL = URL(fileURLWithPath: options.template)
        guard FileManager.default.fileExists(atPath: templateURL.path) else {
            throw TemplateError("no template at \(templateURL.path) (run from the project folder, or pass --template FILE)")
        }
        let template = try SAMTemplate.load(templateURL)
        let defaultEnvFile = templateURL.deletingLastPathComponent().appendingPathComponent("local-runner/env.json")
        let envFile: EnvironmentFile
        if let path = options.envVars {
            envFile = try EnvironmentFile.load(URL(fileURLWithPath: path))
        } else if FileManager.default.fileExists(atPath: defaultEnvFile.path) {
            envFile = try EnvironmentFile.load(defaultEnvFile)
        } else {
            envFile = EnvironmentFile()
        }
        let executables = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        try ExecutableBuilder.ensureBuilt(template.functions.filter { $0.notRunnable == nil }.map(\.executableName), in: executables, packageRoot: templateURL.deletingLastPathComponent())
        return LocalRunner(template: template, environmentFile: envFile, executablesDirectory: executables, maximumInstances: options.maximumInstances)
    }

    private static func invoke(_ runner: LocalRunner, _ options: Options) throws -> Int32 {
        defer { runner.shutdown() }
        let event: Data
        if let path = options.event, path != "-" {
            guard let data = FileManager.default.contents(atPath: path) else { throw TemplateError("cannot read the event file \(path)") }
            event = data
        } else if options.event == "-" {
            event = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            event = Data("{}".utf8)
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
        _ runner: LocalRunner, _ options: Options, port: UInt16, name: String,
        handler: (String) -> HTTPServer.Handler
    ) throws -> Int32 {
        let server = HTTPServer(host: options.host, port: port, handler: handler("\(options.host):\(port)"))
        let bound = try server.start()
        Console.error("local-runner \(name): listening on http://\(options.host):\(bound)\n")
        for route in runner.template.routes where name == "start-api" {
            Console.error("  \(route.method) http://\(options.host):\(bound)\(route.path) -> \(route.functionId)\(route.authorizer.map { " (authorizer \($0.functionId))" } ?? "")\n")
        }
        return waitForShutdown(server, runner)
    }

    /// SIGINT or SIGTERM: stop accepting and let requests in flight finish for up to 10 s (a
    /// second signal ends that at once), then stop every instance, busy ones too, and wait for
    /// them to exit. The exit status is the shell's for the signal: 130 or 143.
    private static func waitForShutdown(_ server: HTTPServer, _ runner: LocalRunner) -> Int32 {
        let received = Mutex<[Int32]>([])
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
        runner.shutdown()
        sources.forEach { $0.cancel() }
        return 128 + (received.withLock { $0.first } ?? SIGTERM)
    }

    static func help(_ command: Command) -> String {
        switch command {
        case .invoke:
            """
            local-runner invoke FUNCTION [--event FILE | -] [--env-vars FILE] [--template FILE]

            Runs one invocation of FUNCTION (logical id or executable name) through the Lambda
            Runtime API, like `sam local invoke`: the response JSON on stdout, Lambda's log lines
            and the function's own on stderr. Exit status 0 on a response, 1 on a function error,
            crash, timeout or init error, 2 on a usage error. Without --event the event is {}.
            """
        case .startAPI, .startLambda:
            """
            local-runner [start-api] [--host 127.0.0.1] [--port 3000] [--env-vars FILE] [--template FILE] [--max-instances N]
            local-runner start-lambda [--host 127.0.0.1] [--port 3001] [--env-vars FILE] [--template FILE] [--max-instances N]
            local-runner invoke FUNCTION [--event FILE | -] [--env-vars FILE] [--template FILE]

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

            The environment is the template's Environment.Variables, overridden by the SAM-format
            env file (default local-runner/env.json, development-only values). Missing function
            executables are built first (swift build --product NAME).
            """
        }
    }
}
