import Foundation
import RaidHubTestSupport
import Testing

/// The built executable against a real Runtime API on loopback (scripts/runtime-api-server.py,
/// written independently of our client): URLSession, headers, keep-alive, errors and exit.
@Suite(.enabled(if: PythonOracle.isAvailable(importing: "http.server"), "python3 is not installed"))
struct RuntimeAPIProcessTests {
    struct Report: Decodable {
        struct Posted: Decodable {
            let path: String
            let kind: String
            let body: String
            let errorType: String?
        }
        let exitStatus: Int32
        let posted: [Posted]
        let connections: Int
        let logLines: Int
    }

    func serve(_ function: String, events: [String], arguments: [String] = [], environment: [String: String]) throws -> Report {
        let script = DevelopmentEnvironment.root.appendingPathComponent("scripts/runtime-api-server.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script] + arguments + [FunctionExecutable.directory.appendingPathComponent(function).path] + events
        process.environment = environment.merging(["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]) { $1 }
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return try JSONDecoder().decode(Report.self, from: data)
    }

    func event(_ function: String, _ name: String) -> String {
        DevelopmentEnvironment.root.appendingPathComponent("functions/\(function)/events/\(name).json").path
    }

    @Test func servesEventsReportsErrorsAndExitsWhenTheRuntimeAPIAnswers500() throws {
        let notJSON = FileManager.default.temporaryDirectory.appendingPathComponent("not-json-event.json")
        try Data("not json".utf8).write(to: notJSON)
        let report = try serve("authorize-user", events: [
            event("authorize-user", "http-v2-success"), notJSON.path, event("authorize-user", "rest-v1-invalid-client-secret"),
        ], environment: try DevelopmentEnvironment.parameters())
        #expect(report.posted.map(\.kind) == ["response", "error", "response"])
        #expect(report.posted.map(\.path) == [
            "/2018-06-01/runtime/invocation/request-0/response",
            "/2018-06-01/runtime/invocation/request-1/error",
            "/2018-06-01/runtime/invocation/request-2/response",
        ])
        #expect(report.posted[0].body.hasPrefix(#"{"statusCode":200,"#))
        #expect(report.posted[1].errorType == "Unhandled")
        #expect(report.posted[1].body == #"{"errorMessage":"the event is not JSON: unexpected character at byte 1","errorType":"InvalidEvent","stackTrace":[]}"#)
        #expect(report.posted[2].body.hasPrefix(#"{"statusCode":403,"#))
        #expect(report.exitStatus == 1, "a 500 from the Runtime API ends the process")
        #expect(report.connections == 1, "one kept-alive connection for every call")
        #expect(report.logLines == 4, "one line per invocation and one for the stop")
    }

    @Test func reportsABadConfigurationAsAnInitError() throws {
        var environment = try DevelopmentEnvironment.parameters()
        environment["ADMIN_CLIENT_SECRET"] = environment["CLIENT_SECRET"]
        let report = try serve("authorize-admin", events: [event("authorize-admin", "http-v2-success")], environment: environment)
        #expect(report.posted.map(\.path) == ["/2018-06-01/runtime/init/error"])
        #expect(report.posted.first?.body == #"{"errorMessage":"ADMIN_CLIENT_SECRET must differ from CLIENT_SECRET","errorType":"InvalidConfiguration","stackTrace":[]}"#)
        #expect(report.exitStatus == 1)
    }

    @Test func waitsOnALongPollWithoutTimingOut() throws {
        let report = try serve("authorizer", events: [event("authorizer", "http-v2-allow-user")], arguments: ["--delay-first", "5"],
                               environment: try DevelopmentEnvironment.parameters())
        #expect(report.posted.map(\.kind) == ["response"])
        #expect(report.posted.first?.body.hasPrefix(#"{"isAuthorized":true"#) == true)
    }
}
