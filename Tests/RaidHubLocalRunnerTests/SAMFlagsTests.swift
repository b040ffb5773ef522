import Foundation
@testable import RaidHubEmulation
@testable import RaidHubLocalRunner
import RaidHubTestSupport
import Testing

/// SAM CLI's flags as `local-runner` reads them: every form of every flag it honours, Docker's
/// accepted and ignored, the rest refused, mistakes answered with the closest name.
@Suite struct SAMFlagsTests {
    func parse(_ line: String) throws -> RunnerOptions {
        try RunnerOptions.parse(line.split(separator: " ").map(String.init))
    }

    func refusal(_ line: String) -> String? {
        do {
            _ = try RunnerOptions.parse(line.split(separator: " ").map(String.init))
            return nil
        } catch {
            return error.message
        }
    }

    @Test(arguments: ["start-api -p 3100", "start-api --port 3100", "start-api --port=3100", "start-api -p3100"])
    func readsThePortInEveryForm(line: String) throws {
        #expect(try parse(line).port == 3100)
    }

    @Test func readsEveryHonouredFlag() throws {
        let options = try parse("start-api --host ::1 -t t.yaml -n env.json --parameter-overrides A=1 -l run.log --debug -d 5858 --debugger-path /x "
            + "--debug-args -v --region eu-west-1 --warm-containers eager --debug-function F --max-instances 2 --watch -s web --disable-authorizer")
        #expect(options.command == .startAPI)
        #expect((options.host, options.template, options.envVars, options.logFile) == ("::1", "t.yaml", "env.json", "run.log"))
        #expect(options.parameterOverrides == ["A": "1"])
        #expect(options.debug && options.watch && options.disableAuthorizer)
        #expect((options.debugPort, options.debuggerPath, options.debugArgs, options.debugFunction) == (5858, "/x", ["-v"], "F"))
        #expect((options.region, options.warmContainers, options.maximumInstances, options.staticDirectory) == ("eu-west-1", .eager, 2, "web"))
        #expect(try parse("start-api --template-file other.yaml").template == "other.yaml")
        let invoke = try parse("invoke Fn -e event.json")
        #expect((invoke.command, invoke.function, invoke.event) == (.invoke, "Fn", "event.json"))
        #expect(try parse("invoke Fn --no-event").noEvent)
        #expect(try parse("start-lambda --port=3002").command == .startLambda)
        #expect(try parse("").command == .startAPI, "start-api is the default")
    }

    /// Every name of every flag, in each command that has it, long form with `=` too: honoured,
    /// noticed, or refused with its reason; never "unknown".
    @Test(arguments: RunnerOptions.flags.flatMap { flag in flag.names.map { (flag, $0) } }.map { "\($0.1)" })
    func knowsEveryFlagOfEveryCommand(name: String) throws {
        let flag = try #require(RunnerOptions.flags.first { $0.names.contains(name) })
        for command in flag.commands {
            var arguments = [command.rawValue] + (command == .invoke ? ["Fn"] : [])
            let numeric: Set<String> = ["--port", "-p", "--debug-port", "-d", "--max-instances"]
            let value = numeric.contains(name) ? "3100" : name == "--warm-containers" ? "EAGER" : name == "--parameter-overrides" ? "A=1" : "x"
            arguments += flag.takesValue ? [name, value] : [name]
            if case .refused(let reason) = flag.kind {
                #expect(throws: RunnerOptions.UsageError.self) { try RunnerOptions.parse(arguments) }
                #expect(!reason.isEmpty)
                continue
            }
            let options = try RunnerOptions.parse(arguments)
            if case .supported = flag.kind { #expect(options.notices.isEmpty, "\(arguments)") } else { #expect(options.notices.count == 1, "\(arguments)") }
            if flag.takesValue, name.hasPrefix("--") {
                #expect(try RunnerOptions.parse([command.rawValue] + (command == .invoke ? ["Fn"] : []) + ["\(name)=\(value)"]).notices == options.notices)
            }
        }
    }

    /// docs/sam-flags.md lists every flag the runner knows.
    @Test func theFlagsTableListsEveryFlag() throws {
        let table = try String(contentsOf: DevelopmentEnvironment.root.appendingPathComponent("docs/sam-flags.md"), encoding: .utf8)
        for flag in RunnerOptions.flags {
            for name in flag.names { #expect(table.contains("`\(name)") || table.contains(", \(name)") || table.contains(" \(name)"), "\(name)") }
        }
    }

    @Test func acceptsDockerOnlyFlagsWithANotice() throws {
        let options = try parse("start-api --skip-pull-image --docker-network lambda-local --container-host host.docker.internal "
            + "--container-host-interface 0.0.0.0 --add-host a:127.0.0.1 --invoke-image img --force-image-build --no-memory-limit "
            + "-v /base --container-env-vars c.json --layer-cache-basedir /l --mount-symlinks --shutdown --profile dev --beta-features")
        #expect(options.notices.count == 15)
        #expect(options.notices.first == "--skip-pull-image is ignored: it steers Docker, and local-runner runs no containers")
        #expect(options.notices.contains("--profile is ignored: the runner makes no AWS calls; the functions get no credentials"))
        #expect(options.port == nil, "no flag took another's value")
    }

    @Test(arguments: [
        ("start-api --prot 3000", "unknown option '--prot' for start-api; did you mean '--port'?"),
        ("start-ap", "unknown command 'start-ap'; did you mean 'start-api'?; the commands are start-api, invoke, start-lambda, fake-bungie, describe"),
        ("invoke Fn --port 3000", "--port is not an option of invoke"),
        ("fake-bungie --debug", "--debug is not an option of fake-bungie"),
        ("start-api --ssl-cert-file c.pem", "--ssl-cert-file is not supported: local-runner serves plain HTTP only; put a TLS proxy in front of it"),
        ("start-api --hook-name terraform", "--hook-name is not supported: local-runner reads SAM templates only, not Terraform projects"),
        ("start-api --warm-containers SOMETIMES", "--warm-containers is EAGER or LAZY, not 'SOMETIMES'"),
        ("start-api --debug=yes", "--debug takes no value"),
        ("start-api --port", "--port needs a value"),
        ("invoke", "invoke needs a FUNCTION"),
        ("invoke Fn -e e.json --no-event", "--event and --no-event cannot be used together"),
        ("start-api --parameter-overrides Oops", "--parameter-overrides: 'Oops' is neither Key=Value nor ParameterKey=Key,ParameterValue=Value"),
    ])
    func refusesMistakesNamingTheClosestFlag(line: String, message: String) {
        #expect(refusal(line) == message)
    }

    /// Both of SAM's forms, mixed, with quoted values holding spaces.
    @Test func readsParameterOverridesInBothForms() throws {
        let overrides = try RunnerOptions.parameterOverrides(#"Stage=dev ParameterKey=JwtSecret,ParameterValue=s3cr3t Motto="two words" ParameterKey=Empty,ParameterValue="#)
        #expect(overrides == ["Stage": "dev", "JwtSecret": "s3cr3t", "Motto": "two words", "Empty": ""])
        var repeated = try RunnerOptions.parse(["start-api", "--parameter-overrides", "A=1", "--parameter-overrides=B=2"])
        #expect(repeated.parameterOverrides == ["A": "1", "B": "2"])
        repeated = try RunnerOptions.parse(["start-api", "--parameter-overrides", "A=1 B=2"])
        #expect(repeated.parameterOverrides == ["A": "1", "B": "2"])
    }
}

/// The access line on a terminal: short, aligned columns, whatever the path's length.
@Suite struct AccessLineTests {
    @Test func alignsColumnsOnATerminal() {
        final class Lines: @unchecked Sendable { var all: [String] = [] }
        let lines = Lines()
        let log = RunnerLog(terminal: true) { lines.all.append($0) }
        log.access(RunnerLog.Access(method: "GET", path: "/me", route: "GET /me", function: "WhoAmIFunction", status: 200,
                                    duration: .microseconds(3_100), requestId: "0123abcd-0000-4000-8000-000000000000"))
        log.access(RunnerLog.Access(method: "DELETE", path: "/a/much/longer/path/than/the/column/allows/for/sure", route: nil, function: nil,
                                    status: 404, duration: .milliseconds(12), requestId: "89abcdef-0000-4000-8000-000000000000"))
        #expect(lines.all.count == 2, "\(lines.all)")
        let first = lines.all[0], second = lines.all[1]
        #expect(first.contains("GET    /me") && first.contains("→ WhoAmIFunction (GET /me)") && first.hasSuffix(" 200     3.1 ms  0123abcd"))
        #expect(second.contains("DELETE /a/much/longer/path/than/the… → no route") && second.hasSuffix(" 404    12.0 ms  89abcdef"), "\(second)")
        // The status column starts at the same place on both lines.
        #expect(first.range(of: " 200 ")?.lowerBound.utf16Offset(in: first) == second.range(of: " 404 ")?.lowerBound.utf16Offset(in: second))
        #expect(!first.contains("0123abcd-0000"), "short: the request id's first block")
    }
}
