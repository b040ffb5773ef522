import Foundation
import RaidHubTestSupport
import Testing

/// Every sample event's request, and every answer the built functions give to it, conform to
/// openapi.yaml, as checked by jsonschema (scripts/check-openapi-conformance.py).
@Suite(.enabled(if: PythonOracle.isAvailable(importing: "yaml", "jsonschema", "referencing"), "PyYAML and jsonschema are not installed"))
struct OpenAPIConformanceTests {
    @Test func sampleEventsAndAnswersConformToTheDescription() throws {
        let environment = try DevelopmentEnvironment.parameters()
        var exchanges: [[String: Any]] = []
        for function in ["authorize-user", "authorize-admin", "whoami", "authorize-bungie"] {
            for eventURL in try DevelopmentEnvironment.sampleEvents(of: function) {
                let event = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: eventURL)) as? [String: Any])
                let run = try FunctionExecutable(function).run(["--event", eventURL.path], environment: environment)
                let answer = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
                let http = (event["requestContext"] as? [String: Any])?["http"] as? [String: Any]
                var requestBody = event["body"] as? String
                if event["isBase64Encoded"] as? Bool == true, let text = requestBody, let data = Data(base64Encoded: text) {
                    requestBody = String(decoding: data, as: UTF8.self)
                }
                let path: String = event["rawPath"] as? String ?? event["path"] as? String ?? ""
                let method: String = http?["method"] as? String ?? event["httpMethod"] as? String ?? ""
                var exchange: [String: Any] = ["name": "\(function)/\(eventURL.lastPathComponent)", "path": path, "method": method]
                exchange["status"] = answer["statusCode"] as? Int ?? 0
                exchange["requestBody"] = requestBody ?? NSNull()
                exchange["responseBody"] = answer["body"] as? String ?? ""
                exchanges.append(exchange)
            }
        }
        let script = DevelopmentEnvironment.root.appendingPathComponent("scripts/check-openapi-conformance.py").path
        let spec = DevelopmentEnvironment.root.appendingPathComponent("openapi.yaml").path
        let report = String(decoding: try PythonOracle.run("import runpy, sys; sys.argv = ['check', '\(spec)']; runpy.run_path('\(script)', run_name='__main__')",
                                                           input: JSONSerialization.data(withJSONObject: exchanges)), as: UTF8.self)
        #expect(report.hasSuffix("\(exchanges.count) exchanges checked, 0 problems\n"), "\(report)")
        #expect(exchanges.count >= 30)
    }
}
