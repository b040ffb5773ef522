import Foundation
import RaidHubAuth
import RaidHubJWT
import RaidHubTestSupport
import Testing

/// Every sample event, through the built executable, gets exactly the answer written for it.
@Suite struct SampleEventTests {
    static let functions = ["authorize-user", "authorize-admin", "authorizer", "whoami", "authorize-bungie"]

    @Test(arguments: functions)
    func everySampleEventGetsItsExactAnswer(function: String) throws {
        let environment = try DevelopmentEnvironment.parameters()
        let events = try DevelopmentEnvironment.sampleEvents(of: function)
        #expect(events.count >= 8)
        for event in events {
            let run = try FunctionExecutable(function).run(["--event", event.path], environment: environment)
            #expect(run.status == 0, "\(event.lastPathComponent): \(run.stderr)")
            let answer = try ClockPlaceholders.fill(run.stdout.trimmingCharacters(in: .newlines), environment: environment)
            #expect(answer == (try DevelopmentEnvironment.expectedAnswer(for: event)), "\(function)/\(event.lastPathComponent)")
            let logLines = run.stderr.split(separator: "\n")
            #expect(logLines.count == 1, "one log line per invocation")
            #expect(logLines.first?.hasPrefix(#"{"level":"info","function":"\#(function)","requestId":"#) == true)
        }
    }

    @Test(arguments: functions)
    func logsNeverCarrySecretsTokensOrBodies(function: String) throws {
        let environment = try DevelopmentEnvironment.parameters()
        for event in try DevelopmentEnvironment.sampleEvents(of: function) {
            let run = try FunctionExecutable(function).run(["--event", event.path], environment: environment)
            for value in environment.values where value.count > 8 { #expect(!run.stderr.contains(value)) }
            #expect(!run.stderr.contains("eyJ"), "no token in \(event.lastPathComponent)'s log")
            #expect(!run.stderr.contains("bungieMembershipId"), "no body in \(event.lastPathComponent)'s log")
        }
    }
}
