import Foundation
import RaidHubTestSupport
import Testing

/// The process contract of RUNTIME.md: stdin or --event in, one answer out, exit status.
@Suite struct ProcessModeTests {
    @Test func readsTheEventFromStandardInput() throws {
        let environment = try DevelopmentEnvironment.parameters()
        let event = try DevelopmentEnvironment.sampleEvents(of: "authorize-user").first { $0.lastPathComponent == "http-v2-invalid-client-secret.json" }!
        let fromStdin = try FunctionExecutable("authorize-user").run([], environment: environment, input: Data(contentsOf: event))
        let fromDash = try FunctionExecutable("authorize-user").run(["--event", "-"], environment: environment, input: Data(contentsOf: event))
        for run in [fromStdin, fromDash] {
            #expect(run.status == 0)
            #expect(run.stdout.hasPrefix(#"{"statusCode":403,"#))
        }
    }

    /// Outside Lambda a process makes up its request id as Lambda's form: a random version-4 UUID
    /// in lower case (the variant and version bits set), a new one for every run.
    @Test func aStdinInvocationGetsAFreshVersion4RequestId() throws {
        var environment = try DevelopmentEnvironment.parameters()
        environment["AWS_LAMBDA_LOG_FORMAT"] = "JSON"
        let event = try DevelopmentEnvironment.sampleEvents(of: "authorize-user").first { $0.lastPathComponent == "http-v2-success.json" }!
        var seen: Set<String> = []
        for _ in 0..<8 {
            let run = try FunctionExecutable("authorize-user").run([], environment: environment, input: Data(contentsOf: event))
            let line = try #require(run.stderr.split(separator: "\n").first)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let requestId = try #require(object["requestId"] as? String)
            #expect(requestId.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/) != nil, "\(requestId)")
            seen.insert(requestId)
        }
        #expect(seen.count == 8)
    }

    @Test(arguments: ["authorize-user", "authorize-admin", "authorizer"])
    func answersAnUnreadableEventWithAnErrorReportAndKeepsExitZero(function: String) throws {
        let environment = try DevelopmentEnvironment.parameters()
        for (input, type) in [("not json", "InvalidEvent"), ("[1,2]", "InvalidEvent"), (#"{"hello":"world"}"#, "InvalidEvent")] {
            let run = try FunctionExecutable(function).run([], environment: environment, input: Data(input.utf8))
            #expect(run.status == 0)
            #expect(run.stdout.hasPrefix(#"{"errorMessage":"#))
            #expect(run.stdout.contains(#""errorType":"\#(type)","stackTrace":[]}"#))
            #expect(!run.stdout.contains("hello"), "the event is never echoed")
        }
    }

    @Test func refusesToStartWithoutItsConfigurationAndNamesTheVariable() throws {
        var environment = try DevelopmentEnvironment.parameters()
        environment["CLIENT_SECRET"] = nil
        let run = try FunctionExecutable("authorize-user").run([], environment: environment, input: Data("{}".utf8))
        #expect(run.status == 1)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("CLIENT_SECRET is not set"))
        environment["JWT_SECRET"] = "short-secret-value"
        let short = try FunctionExecutable("authorizer").run([], environment: environment, input: Data("{}".utf8))
        #expect(short.status == 1)
        #expect(short.stderr.contains("JWT_SECRET must be at least 32 bytes"))
        #expect(!short.stderr.contains("short-secret-value"))
    }

    @Test func printsHelpAndRefusesUnknownArguments() throws {
        let help = try FunctionExecutable("authorizer").run(["--help"], environment: [:])
        #expect(help.status == 0)
        #expect(help.stdout.contains("AWS_LAMBDA_RUNTIME_API"))
        #expect(help.stdout.contains("ADMIN_ROUTE_PREFIXES"))
        let bad = try FunctionExecutable("authorizer").run(["--evnt", "x"], environment: [:])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--evnt"))
        let missing = try FunctionExecutable("authorize-user").run(["--event", "/nonexistent/event.json"], environment: try DevelopmentEnvironment.parameters())
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("cannot read the event"))
    }

    @Test func exitsPromptlyWhenTheRuntimeAPIIsUnreachable() throws {
        var environment = try DevelopmentEnvironment.parameters()
        environment["AWS_LAMBDA_RUNTIME_API"] = "127.0.0.1:1"  // nothing listens on port 1
        // It exits with the reason rather than retrying: the run returns at all.
        let run = try FunctionExecutable("authorize-user").run([], environment: environment)
        #expect(run.status == 1)
        #expect(run.stderr.contains("Runtime API unreachable"))
    }
}
