import Foundation
import RaidHubTestSupport
import Testing

/// Lambda's advanced logging controls, as the built functions honour them: the variables Lambda
/// sets from `LoggingConfig` (`AWS_LAMBDA_LOG_FORMAT`, `AWS_LAMBDA_LOG_LEVEL`).
@Suite struct LoggingControlsTests {
    func run(_ function: String, event name: String, logging: [String: String]) throws -> FunctionExecutable.Run {
        let event = DevelopmentEnvironment.root.appendingPathComponent("functions/\(function)/events/\(name).json")
        let environment = try DevelopmentEnvironment.parameters().merging(logging) { $1 }
        return try FunctionExecutable(function).run([], environment: environment, input: Data(contentsOf: event))
    }

    @Test func anErrorLevelKeepsASuccessfulInvocationSilent() throws {
        for format in ["Text", "JSON"] {
            let quiet = try run("authorize-user", event: "http-v2-success", logging: ["AWS_LAMBDA_LOG_LEVEL": "ERROR", "AWS_LAMBDA_LOG_FORMAT": format])
            #expect(quiet.status == 0)
            #expect(quiet.stdout.hasPrefix(#"{"statusCode":200,"#))
            #expect(quiet.stderr.isEmpty, "\(format): \(quiet.stderr)")
        }
        let info = try run("authorize-user", event: "http-v2-success", logging: ["AWS_LAMBDA_LOG_LEVEL": "INFO"])
        #expect(info.stderr.split(separator: "\n").count == 1)
    }

    @Test func anErrorStillLogsAtErrorLevel() throws {
        var environment = try DevelopmentEnvironment.parameters()
        environment["CLIENT_SECRET"] = nil
        environment["AWS_LAMBDA_LOG_LEVEL"] = "error"
        let run = try FunctionExecutable("authorize-user").run([], environment: environment, input: Data("{}".utf8))
        #expect(run.status == 1)
        #expect(run.stderr.contains("CLIENT_SECRET is not set"))
        environment["AWS_LAMBDA_LOG_LEVEL"] = "FATAL"
        #expect(try FunctionExecutable("authorize-user").run([], environment: environment, input: Data("{}".utf8)).stderr.isEmpty)
    }

    /// Every line one JSON object with Lambda's keys: `timestamp` (RFC 3339, UTC, milliseconds),
    /// `level` in upper case, `requestId` and `message`; never a secret or a token.
    @Test(arguments: [
        ("authorize-user", "http-v2-success", "INFO"), ("authorize-user", "rest-v1-invalid-client-secret", "INFO"),
        ("authorizer", "http-v2-deny-expired", "INFO"), ("authorize-admin", "http-v2-success", "INFO"),
    ])
    func jsonFormatWritesLambdasKeys(function: String, event: String, level: String) throws {
        let run = try run(function, event: event, logging: ["AWS_LAMBDA_LOG_FORMAT": "JSON"])
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let timestamp = try #require(object["timestamp"] as? String)
            #expect(timestamp.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil, "\(timestamp)")
            #expect(object["level"] as? String == level)
            #expect((object["requestId"] as? String)?.isEmpty == false)
            #expect((object["message"] as? String)?.isEmpty == false)
            #expect(!line.contains("eyJ"), "no token in the log")
        }
        for value in try DevelopmentEnvironment.parameters().values where value.count > 8 { #expect(!run.stderr.contains(value)) }
    }

    @Test func jsonFormatAppliesToConfigurationErrorsToo() throws {
        var environment = try DevelopmentEnvironment.parameters()
        environment["JWT_SECRET"] = nil
        environment["AWS_LAMBDA_LOG_FORMAT"] = "JSON"
        let run = try FunctionExecutable("authorizer").run([], environment: environment, input: Data("{}".utf8))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stderr.utf8)) as? [String: Any])
        #expect(object["level"] as? String == "ERROR")
        #expect(object["message"] as? String == "JWT_SECRET is not set")
        #expect(object["errorType"] as? String == "InvalidConfiguration")
    }
}
