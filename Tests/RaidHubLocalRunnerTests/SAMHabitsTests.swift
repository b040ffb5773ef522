import Foundation
import RaidHubRunnerTestSupport
import RaidHubTestSupport
import Testing

/// `local-runner` driven as a developer used to `sam local` drives it: SAM's flags on a real
/// process, the environment's precedence, one access line per request, `--debug`, `--log-file`,
/// `--warm-containers EAGER` and a debugger on `--debug-port`.
@Suite(.serialized) struct SAMHabitsTests {
    /// A workspace whose `echo` function answers with the variables it was given, and says
    /// "echo answering" on its stdout first; `/guarded` is behind a Lambda authorizer.
    static func workspace() throws -> URL {
        let folder = try RunnerProcess.workspace()
        try TestRuntime.write("""
            names = ["A", "B", "C", "SECRET", "STAGE", "AWS_REGION"]
            print("echo answering", flush=True)
            variables = json.dumps({name: os.environ.get(name) for name in names}, sort_keys=True)
            body = json.dumps({"statusCode": 200, "body": variables}).encode()
            """, to: folder.appendingPathComponent("echo"))
        let template = """
            Parameters:
              Secret: {Type: String, NoEcho: true}
              Stage: {Type: String, Default: dev}
            Resources:
              Api:
                Type: AWS::Serverless::HttpApi
                Properties:
                  CorsConfiguration: {AllowOrigins: ['http://localhost:5173'], AllowMethods: [GET]}
                  Auth:
                    Authorizers:
                      Gate: {FunctionArn: !GetAtt Gate.Arn, AuthorizerPayloadFormatVersion: '2.0', EnableSimpleResponses: true, EnableFunctionDefaultPermissions: true, Identity: {Headers: [Authorization]}}
              Echo:
                Type: AWS::Serverless::Function
                Properties:
                  Environment:
                    Variables: {A: t, B: t, C: t, SECRET: !Ref Secret, STAGE: !Ref Stage}
                  Events:
                    Open: {Type: HttpApi, Properties: {ApiId: !Ref Api, Path: /echo, Method: GET}}
                    Guarded: {Type: HttpApi, Properties: {ApiId: !Ref Api, Path: /guarded, Method: GET, Auth: {Authorizer: Gate}}}
                Metadata: {DockerBuildArgs: {FUNCTION: echo}}
              Gate:
                Type: AWS::Serverless::Function
                Metadata: {DockerBuildArgs: {FUNCTION: echo}}
            """
        try Data(template.utf8).write(to: folder.appendingPathComponent("template.yaml"))
        return folder
    }

    static func run(_ arguments: [String], in folder: URL, environment: [String: String] = [:]) throws -> FunctionExecutable.Run {
        var base = ProcessInfo.processInfo.environment
        base.merge(environment) { $1 }
        let process = Process()
        process.executableURL = folder.appendingPathComponent("local-runner")
        process.arguments = arguments
        process.currentDirectoryURL = folder
        process.environment = base
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let output = stdout.fileHandleForReading.readDataToEndOfFile(), errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return FunctionExecutable.Run(stdout: String(decoding: output, as: UTF8.self), stderr: String(decoding: errors, as: UTF8.self), status: process.terminationStatus)
    }

    /// The variables the function got, from its answer's body.
    static func variables(_ stdout: String) throws -> [String: String?] {
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])
        let body = try #require(answer["body"] as? String)
        return try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]).mapValues { $0 as? String }
    }

    /// As SAM resolves a declared variable: the env file (Parameters, then the function's own
    /// section, here named by its executable), else the shell, else the template; a NoEcho
    /// parameter set by its name in Parameters; --parameter-overrides in both forms; --region.
    @Test func resolvesTheEnvironmentAsSAMDoes() throws {
        let folder = try Self.workspace()
        let envFile = folder.appendingPathComponent("env.json")
        try Data(#"{"Parameters": {"Secret": "from-the-env-file"}, "echo": {"A": "file"}}"#.utf8).write(to: envFile)
        let run = try Self.run(["invoke", "Echo", "--env-vars=\(envFile.path)", "--parameter-overrides", "ParameterKey=Stage,ParameterValue=prod", "--region", "eu-west-1"],
                               in: folder, environment: ["A": "shell", "B": "shell", "UNDECLARED": "shell"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try Self.variables(run.stdout) == ["A": "file", "B": "shell", "C": "t", "SECRET": "from-the-env-file", "STAGE": "prod", "AWS_REGION": "eu-west-1"])
        let short = try Self.run(["invoke", "Echo", "--parameter-overrides", "Stage=qa Secret=given", "--no-event"], in: folder)
        #expect(try Self.variables(short.stdout)["STAGE"] == "qa")
        #expect(try Self.variables(short.stdout)["SECRET"] == "given")
        let typo = try Self.run(["invoke", "Echo", "--parameter-overrides", "Stgae=qa"], in: folder)
        #expect(typo.status == 1)
        #expect(typo.stderr.contains("--parameter-overrides names 'Stgae', which is not a parameter of the template (it has Secret, Stage)"))
        try Data(#"{"Parameters": {"SECRT": "x"}, "Ehco": {"A": "x"}}"#.utf8).write(to: envFile)
        let warned = try Self.run(["invoke", "Echo", "-n", envFile.path], in: folder)
        #expect(warned.stderr.contains("env file: section 'Ehco' names no function of the template; did you mean 'Echo'?"))
        #expect(warned.stderr.contains("env file: Parameters.SECRT is neither a variable nor a parameter any function uses; did you mean 'SECRET'?"))
    }

    /// A template the runner would misread stops it, naming the file and the reason.
    @Test func stopsOnAnAuthorizerItCannotResolve() throws {
        let folder = try Self.workspace()
        let template = folder.appendingPathComponent("template.yaml")
        let text = try String(contentsOf: template, encoding: .utf8)
        try Data(text.replacingOccurrences(of: "!GetAtt Gate.Arn", with: "arn:aws:lambda:us-east-1:123456789012:function:gate").utf8).write(to: template)
        let run = try Self.run(["start-api", "-p", "0"], in: folder)
        #expect(run.status == 1)
        // Line 11, column 18 of the template: where Gate's FunctionArn is written.
        #expect(run.stderr.contains("\(template.path):11:18: Api's authorizer Gate: FunctionArn does not name a function of the template"), "\(run.stderr)")
    }

    /// Flags that name something missing stop the runner at once, saying what.
    @Test(arguments: [
        (["start-api", "-p", "0", "-l", "/nonexistent/folder/run.log"], "cannot open the log file /nonexistent/folder/run.log"),
        (["start-api", "-p", "0", "-d", "5999", "--debugger-path", "/nonexistent"], "--debug-port needs lldb-server (it ships with the Swift toolchain); none found at /nonexistent"),
        (["start-api", "-p", "0", "-d", "5999", "--debug-function", "Ecoh"], "--debug-function names 'Ecoh', which is not a function of the template"),
        (["start-api", "-p", "0", "--host", "no.such.host.invalid"], "no.such.host.invalid"),
    ])
    func stopsOnWhatAFlagNamesButIsMissing(arguments: [String], says message: String) throws {
        let run = try Self.run(arguments, in: try Self.workspace())
        #expect(run.status == 1)
        #expect(run.stderr.contains(message), "\(run.stderr)")
    }

    /// `-p`, `--host` with a name or IPv6, `--flag=value`, and Docker's flags as no-ops.
    @Test(arguments: [(["start-api", "-p", "PORT", "--host", "localhost", "--skip-pull-image"], "127.0.0.1"),
                      (["start-api", "--port=PORT", "--host=::1", "--docker-network=x"], "::1")])
    func servesWithSAMsServerFlags(arguments: [String], connectTo host: String) throws {
        let folder = try Self.workspace()
        let stderr = Pipe()
        let (runner, port) = try RunnerProcess.start(in: folder, stderr: stderr, arguments: arguments, host: host)
        defer { if runner.isRunning { runner.terminate() } }
        let client = try RawConnection(host: host, port: port)
        client.send("GET /echo HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(client.readResponse()?.status == 200)
        kill(runner.processIdentifier, SIGINT)
        #expect(RunnerProcess.waitForExit(runner, seconds: 60))
        let said = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(said.contains("is ignored: it steers Docker, and local-runner runs no containers"))
    }

    /// One access line per request, 404s, 401s and preflights included; `--debug` says why.
    @Test func writesAnAccessLinePerRequestAndDebugLines() throws {
        let folder = try Self.workspace()
        let stderr = Pipe()
        let (runner, port) = try RunnerProcess.start(in: folder, stderr: stderr, arguments: ["start-api", "-p", "PORT", "--debug"])
        defer { if runner.isRunning { runner.terminate() } }
        let client = try RawConnection(port: port)
        for (request, status) in [("GET /nope", 404), ("GET /guarded", 401), ("GET /echo", 200)] {
            client.send("\(request) HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(client.readResponse()?.status == status)
        }
        client.send("OPTIONS /echo HTTP/1.1\r\nHost: t\r\nOrigin: http://localhost:5173\r\nAccess-Control-Request-Method: GET\r\n\r\n")
        #expect(client.readResponse()?.status == 204)
        kill(runner.processIdentifier, SIGINT)
        #expect(RunnerProcess.waitForExit(runner, seconds: 60))
        let lines = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n").map(String.init)
        let access = lines.filter { $0.hasPrefix("access ") }
        #expect(access.count == 4, "\(lines)")
        let pattern = #/access method=(\S+) path=(\S+) route=(-|"[^"]+") function=(\S+) status=(\d+) ms=\d+\.\d requestId=[0-9a-f-]{36}/#
        let parsed = access.compactMap { try? pattern.wholeMatch(in: $0) }.map { "\($0.1) \($0.2) \($0.3) \($0.4) \($0.5)" }
        #expect(parsed == [#"GET /nope - - 404"#, #"GET /guarded "GET /guarded" Echo 401"#, #"GET /echo "GET /echo" Echo 200"#,
                           #"OPTIONS /echo "CORS preflight" - 204"#])
        let debug = lines.filter { $0.hasPrefix("[debug ") }
        #expect(debug.contains { $0.hasSuffix("GET /nope: no route matches; 404 as API Gateway answers") })
        #expect(debug.contains { $0.contains("authorizer Gate not called: an identity source is missing or empty") })
        #expect(debug.contains { $0.contains("Echo: started an instance, pid ") })
        #expect(debug.contains { $0.contains("a CORS preflight, answered by the gateway") })
    }

    /// `-s/--static-dir` serves files no route takes, nothing outside the folder;
    /// `--disable-authorizer` serves guarded routes without their authorizer.
    @Test func servesStaticFilesAndCanDisableAuthorizers() throws {
        let folder = try Self.workspace()
        let web = folder.appendingPathComponent("web")
        try FileManager.default.createDirectory(at: web, withIntermediateDirectories: true)
        try Data("<h1>hi</h1>".utf8).write(to: web.appendingPathComponent("index.html"))
        try Data("body{}".utf8).write(to: web.appendingPathComponent("site.css"))
        try Data("secret".utf8).write(to: web.appendingPathComponent(".env"))
        let (runner, port) = try RunnerProcess.start(in: folder, arguments: ["start-api", "-p", "PORT", "-s", "web", "--disable-authorizer"])
        defer { if runner.isRunning { runner.terminate() } }
        let client = try RawConnection(port: port)
        func get(_ path: String) -> (status: Int, headers: [String: String], body: String)? {
            client.send("GET \(path) HTTP/1.1\r\nHost: t\r\n\r\n")
            return client.readResponse()
        }
        #expect(get("/")?.body == "<h1>hi</h1>")
        let css = get("/site.css")
        #expect(css?.body == "body{}")
        #expect(css?.headers["content-type"] == "text/css; charset=utf-8")
        for path in ["/.env", "/%2e%2e/template.yaml", "/../template.yaml", "/missing.js"] { #expect(get(path)?.status == 404, "\(path)") }
        #expect(get("/guarded")?.status == 200, "no authorizer, so no 401 for the missing header")
        kill(runner.processIdentifier, SIGINT)
        #expect(RunnerProcess.waitForExit(runner, seconds: 60))
    }

    /// Where AWS could not serve, neither does the runner: a route whose authorizer API Gateway
    /// may not invoke answers 500 without invoking it (said once at start, with the property that
    /// fixes it), and with the permission the same request is let through; a CORS configuration
    /// API Gateway refuses at deploy stops the runner with the reason.
    @Test func answersAsAWSWhereAWSCouldNotServe() throws {
        let folder = try Self.workspace()
        let calls = folder.appendingPathComponent("gate-calls")
        try TestRuntime.write("open(\"\(calls.path)\", \"a\").write(\"called\\n\")\nbody = b'{\"isAuthorized\": true}'",
                              to: folder.appendingPathComponent("gate"))
        let template = folder.appendingPathComponent("template.yaml")
        let permitted = try String(contentsOf: template, encoding: .utf8)
            .replacingOccurrences(of: "Gate:\n    Type: AWS::Serverless::Function\n    Metadata: {DockerBuildArgs: {FUNCTION: echo}}",
                                  with: "Gate:\n    Type: AWS::Serverless::Function\n    Metadata: {DockerBuildArgs: {FUNCTION: gate}}")
        #expect(permitted.contains("FUNCTION: gate"))
        func guarded(_ text: String) throws -> (status: Int?, body: String?, said: String) {
            try Data(text.utf8).write(to: template)
            let stderr = Pipe()
            let (runner, port) = try RunnerProcess.start(in: folder, stderr: stderr)
            defer { if runner.isRunning { runner.terminate() } }
            let client = try RawConnection(port: port)
            var answers: [(status: Int, headers: [String: String], body: String)?] = []
            for _ in 0..<2 {
                client.send("GET /guarded HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer x\r\n\r\n")
                answers.append(client.readResponse())
            }
            kill(runner.processIdentifier, SIGINT)
            #expect(RunnerProcess.waitForExit(runner, seconds: 60))
            #expect(answers[0]?.status == answers[1]?.status)
            return (answers[1]?.status, answers[1]?.body, String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
        }
        let denied = try guarded(permitted.replacingOccurrences(of: "EnableFunctionDefaultPermissions: true, ", with: ""))
        #expect(denied.status == 500)
        #expect(denied.body == #"{"message":"Internal Server Error"}"#)
        let notice = "Api's authorizer Gate: API Gateway has no permission to invoke Gate, so every route it guards answers 500 (as on AWS). "
            + "Set EnableFunctionDefaultPermissions: true on the authorizer (or a FunctionInvokeRole)"
        #expect(denied.said.components(separatedBy: notice).count == 2, "said once: \(denied.said)")
        #expect(!FileManager.default.fileExists(atPath: calls.path), "API Gateway could not invoke it")
        let allowed = try guarded(permitted)
        #expect(allowed.status == 200)
        #expect(!allowed.said.contains("has no permission"))
        // Once: with identity sources and no ReauthorizeEvery, API Gateway caches for 300 s.
        #expect(try String(contentsOf: calls, encoding: .utf8) == "called\n")
        try Data(permitted.replacingOccurrences(of: "CorsConfiguration: {AllowOrigins: ['http://localhost:5173'], AllowMethods: [GET]}",
                                                with: "CorsConfiguration: {AllowOrigins: ['*'], AllowCredentials: true}").utf8).write(to: template)
        let refused = try Self.run(["start-api", "-p", "0"], in: folder)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("\(template.path):8:7:"), "\(refused.stderr)")
        #expect(refused.stderr.contains("Api's CorsConfiguration allows any origin ('*') with AllowCredentials: true, which API Gateway refuses at deploy"))
    }

    /// `describe` prints the runner's reading as JSON on stdout and runs nothing; overrides and
    /// the region reach the values, as they would a served function's.
    @Test func describesItsReadingOfTheTemplate() throws {
        let folder = try Self.workspace()
        let run = try Self.run(["describe", "--parameter-overrides", "Stage=qa", "--region", "eu-west-1"], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        let reading = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let routes = try #require(reading["routes"] as? [[String: Any]])
        #expect(routes.map { "\($0["method"]!) \($0["path"]!) \($0["function"]!) \($0["authorizer"] as? String ?? "-")" }
            == ["GET /echo Echo -", "GET /guarded Echo Gate"])
        let echo = try #require((reading["functions"] as? [String: [String: Any]])?["Echo"])
        let environment = try #require(echo["environment"] as? [String: Any]).mapValues { $0 as? String }
        #expect(environment == ["A": "t", "B": "t", "C": "t", "SECRET": nil, "STAGE": "qa"], "a parameter without a value is not known")
        let gate = try #require((reading["authorizers"] as? [[String: Any]])?.first)
        #expect(gate["identitySource"] as? [String] == ["$request.header.Authorization"])
        #expect(gate["ttlSeconds"] as? Int == 300)
        #expect(gate["apiGatewayMayInvoke"] as? Bool == true)
        #expect(((reading["cors"] as? [String: Any])?["Api"] as? [String: Any])?["allowOrigins"] as? [String] == ["http://localhost:5173"])
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent(".build").path), "nothing was built or run")
    }

    /// `--log-file`: Lambda's lines and the functions' output go to the file; access lines stay.
    @Test func sendsRuntimeLogsToTheLogFile() throws {
        let folder = try Self.workspace()
        let logFile = folder.appendingPathComponent("runtime.log")
        let stderr = Pipe()
        let (runner, port) = try RunnerProcess.start(in: folder, stderr: stderr, arguments: ["start-api", "-p", "PORT", "-l", logFile.path])
        defer { if runner.isRunning { runner.terminate() } }
        let client = try RawConnection(port: port)
        client.send("GET /echo HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(client.readResponse()?.status == 200)
        kill(runner.processIdentifier, SIGINT)
        #expect(RunnerProcess.waitForExit(runner, seconds: 60))
        let said = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let logged = try String(contentsOf: logFile, encoding: .utf8)
        #expect(logged.contains("START RequestId: ") && logged.contains("echo answering\n") && logged.contains("REPORT RequestId: "))
        #expect(!said.contains("echo answering") && !said.contains("REPORT RequestId"))
        #expect(said.contains("access method=GET path=/echo"))
    }

    /// `--warm-containers EAGER`: an instance of every function before the first request.
    @Test func startsEveryFunctionAtBootWhenEager() throws {
        let folder = try Self.workspace()
        let (runner, _) = try RunnerProcess.start(in: folder, arguments: ["start-api", "-p", "PORT", "--warm-containers", "EAGER"])
        defer { if runner.isRunning { runner.terminate() } }
        #expect(Eventually.holds { RunnerProcess.children(of: runner.processIdentifier).count == 2 }, "Echo and Gate, started with no request")
        kill(runner.processIdentifier, SIGINT)
        #expect(RunnerProcess.waitForExit(runner, seconds: 60))
    }

    /// `-d PORT --debug-function`: the function runs under lldb-server and answers only once a
    /// debugger (here, gdb-remote packets over TCP, as lldb's `gdb-remote PORT` sends) continues it.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/lldb-server") } == true,
                   "lldb-server is not on the PATH"))
    func runsTheDebuggedFunctionUnderLLDBServer() throws {
        let folder = try Self.workspace()
        try FileManager.default.copyItem(at: FunctionExecutable.directory.appendingPathComponent("authorize-admin"), to: folder.appendingPathComponent("authorize-admin"))
        let template = """
            Resources:
              Admin:
                Type: AWS::Serverless::Function
                Properties:
                  Environment: {Variables: {JWT_SECRET: 0123456789abcdef0123456789abcdef, ADMIN_CLIENT_SECRET: fedcba9876543210fedcba9876543210}}
                  Events: {E: {Type: HttpApi, Properties: {Path: /admin, Method: POST}}}
                Metadata: {DockerBuildTarget: authorize-admin}
            """
        try Data(template.utf8).write(to: folder.appendingPathComponent("template.yaml"))
        let debugPort = try RunnerProcess.freePort(host: "127.0.0.1")
        let stderr = Pipe()
        let (runner, port) = try RunnerProcess.start(in: folder, stderr: stderr,
                                                           arguments: ["start-api", "-p", "PORT", "-d", String(debugPort), "--debug-function", "Admin"])
        defer { if runner.isRunning { runner.terminate() } }
        // Started at once, before any request, so a debugger can attach first.
        var debugger: RawConnection?
        #expect(Eventually.holds { debugger = try? RawConnection(port: debugPort); return debugger != nil }, "lldb-server listens before the first request")
        func packet(_ body: String) -> String { "$\(body)#" + String(format: "%02x", body.utf8.reduce(0) { ($0 + Int($1)) % 256 }) }
        debugger?.send(packet("QStartNoAckMode"))
        var reply = ""
        for _ in 0..<5 where !reply.contains("$OK") { reply += String(decoding: debugger?.readSome() ?? [], as: UTF8.self) }
        #expect(reply.contains("$OK"), "lldb-server's answer: \(reply)")
        debugger?.send("+" + packet("c"))  // continue
        let client = try RawConnection(port: port)
        client.send("POST /admin HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\n{}")
        let answer = client.readResponse()
        #expect(answer?.status == 400, "authorize-admin's own answer to {}: \(String(describing: answer))")
        kill(runner.processIdentifier, SIGINT)
        #expect(RunnerProcess.waitForExit(runner, seconds: 60))
        let said = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(said.contains("Admin runs under lldb-server, stopped until a debugger attaches to 127.0.0.1:\(debugPort)"))
    }
}
