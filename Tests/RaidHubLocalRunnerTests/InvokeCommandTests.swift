import Foundation
import RaidHubTestSupport
import Testing

/// `local-runner invoke` gives what the functions give on stdin, and its exit status tells a
/// response from a function error.
@Suite struct InvokeCommandTests {
    func runner(_ arguments: [String]) throws -> FunctionExecutable.Run {
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = environment["PATH"] ?? "/usr/bin:/bin"
        return try FunctionExecutable("local-runner").run(arguments, environment: environment, in: DevelopmentEnvironment.root)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: FunctionExecutable.directory.appendingPathComponent("local-runner").path),
                   "local-runner is not built (swift build --product local-runner)"))
    func matchesTheFunctionsStdinAnswers() throws {
        for function in ["authorizer", "authorize-admin", "authorize-user"] {
            for event in try DevelopmentEnvironment.sampleEvents(of: function) {
                let run = try runner(["invoke", function, "--event", event.path])
                #expect(run.status == 0)
                let answer = try ClockPlaceholders.fill(run.stdout.trimmingCharacters(in: .newlines), environment: try DevelopmentEnvironment.parameters())
                #expect(answer == (try DevelopmentEnvironment.expectedAnswer(for: event)), "\(function)/\(event.lastPathComponent)")
                #expect(run.stderr.contains("REPORT RequestId: "))
                // The template's LoggingConfig (JSON, INFO) reaches the function as Lambda's variables.
                let functionLines = run.stderr.split(separator: "\n").filter { $0.hasPrefix("{") }
                #expect(functionLines.count == 1, "\(run.stderr)")
                #expect(functionLines.allSatisfy { $0.hasPrefix(#"{"timestamp":""#) && $0.contains(#""level":"INFO""#) })
            }
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: FunctionExecutable.directory.appendingPathComponent("local-runner").path),
                   "local-runner is not built (swift build --product local-runner)"))
    func reportsFunctionErrorsAndUsageErrors() throws {
        let notJSON = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).json")
        try Data("not json".utf8).write(to: notJSON)
        let failed = try runner(["invoke", "authorizer", "--event", notJSON.path])
        #expect(failed.status == 1)
        #expect(failed.stdout.contains(#""errorType":"InvalidEvent""#))
        let unknown = try runner(["invoke", "NoSuchFunction"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("unknown function 'NoSuchFunction'"))
        let usage = try runner(["start-api", "--port", "x"])
        #expect(usage.status == 2)
        #expect(usage.stderr.contains("--port must be a number"))
        let missingTemplate = try runner(["invoke", "authorizer", "--template", "/nonexistent.yaml"])
        #expect(missingTemplate.status == 1)
        #expect(missingTemplate.stderr.contains("no template at /nonexistent.yaml"))
    }
}
