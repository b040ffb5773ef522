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

/// Turns the instant-dependent parts of an answer into the placeholders the expected answers
/// carry, after checking them: `<minted>` is an ISO instant of now, `<token>` a token that
/// verifies under the development key, `<expires>` exactly its `exp`.
enum ClockPlaceholders {
    struct Mismatch: Error, CustomStringConvertible {
        let description: String
    }

    static func fill(_ answer: String, environment: [String: String]) throws -> String {
        var text = answer
        if let minted = capture(#"\\"minted\\":\\"([^"\\]+)\\""#, in: text) {
            text = text.replacingOccurrences(of: minted, with: "<minted>")
        }
        if let token = capture(#"\\"value\\":\\"([^"\\]+)\\""#, in: text) {
            let keys = try JWTKeySet(environment: environment)
            let now = UnixTime(milliseconds: Int64(Date().timeIntervalSince1970 * 1000))
            let claims = try RaidHubTokenVerifier(keys: keys).verify(token, now: now)
            guard abs(claims.issuedAt - now.seconds) < 60 else { throw Mismatch(description: "iat is not now") }
            let lifetime = claims.isAdmin ? TokenLifetime.adminSeconds : TokenLifetime.userSeconds
            guard claims.expiresAt - claims.issuedAt == lifetime else { throw Mismatch(description: "wrong lifetime") }
            guard claims.bungieMembershipId.description == "12345678" else { throw Mismatch(description: "wrong player") }
            text = text.replacingOccurrences(of: token, with: "<token>")
            text = text.replacingOccurrences(of: UnixTime(seconds: claims.expiresAt).iso8601, with: "<expires>")
        }
        return text
    }

    private static func capture(_ pattern: String, in text: String) -> String? {
        guard let expression = try? NSRegularExpression(pattern: pattern),
              let match = expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
              let range = Range(match.range(at: 1), in: text)
        else { return nil }
        return String(text[range])
    }
}
