import Foundation
import RaidHubHTTPServer
import RaidHubLocalRunner
import RaidHubRunnerTestSupport
import RaidHubTestSupport
import Testing

/// `local-runner fake-bungie` beside `local-runner start-api`, as the README has a developer run
/// them: the whole sign-in with Bungie, with no Bungie application.
@Suite(.serialized) struct FakeBungieNetTests {
    @Test func signsInThroughTheFakeBungieNet() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fake-bungie-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("local-runner"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("local-runner/local-runner"),
                                                   withDestinationURL: FunctionExecutable.directory.appendingPathComponent("local-runner"))
        try FileManager.default.copyItem(at: DevelopmentEnvironment.root.appendingPathComponent("template.yaml"), to: folder.appendingPathComponent("template.yaml"))
        let runnerFolder = folder.appendingPathComponent("local-runner")
        let (bungie, bungiePort) = try RunnerProcess.start(in: runnerFolder, arguments: ["fake-bungie", "-p", "PORT"])
        defer { if bungie.isRunning { bungie.terminate() } }
        // The project's env file, pointed at this fake (the README's runs on port 3002).
        let envFile = try String(contentsOf: DevelopmentEnvironment.root.appendingPathComponent("local-runner/env.json"), encoding: .utf8)
        #expect(envFile.contains(#""BUNGIE_BASE_URL": "http://127.0.0.1:3002""#))
        try Data(envFile.replacingOccurrences(of: "127.0.0.1:3002", with: "127.0.0.1:\(bungiePort)").utf8).write(to: runnerFolder.appendingPathComponent("env.json"))
        let (api, apiPort) = try RunnerProcess.start(in: runnerFolder, arguments: ["start-api", "-p", "PORT", "-t", "../template.yaml"])
        defer { if api.isRunning { api.terminate() } }
        let client = try RawConnection(port: apiPort)
        func signIn(_ code: String) -> (status: Int, headers: [String: String], body: String)? {
            let body = #"{"code":"\#(code)"}"#
            client.send("POST /authorize/bungie HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
            return client.readResponse()
        }
        let signedIn = try #require(signIn("4242"))
        #expect(signedIn.status == 200, "\(signedIn.body)")
        let token = try #require(signedIn.body.firstMatch(of: /"value":"([^"]+)"/)?.1)
        let payload = String(token.split(separator: ".")[1]).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        let claims = String(decoding: try #require(Data(base64Encoded: payload + String(repeating: "=", count: (4 - payload.count % 4) % 4))), as: UTF8.self)
        #expect(claims.contains(#""bungieMembershipId":"4242""#), "\(claims)")
        #expect(claims.contains("4611686018488107374"))
        let refused = try #require(signIn("invalid"))
        #expect(refused.status == 403)
        #expect(refused.body.contains("InvalidAuthorizationCodeError"))
        for process in [api, bungie] {
            kill(process.processIdentifier, SIGINT)
            #expect(RunnerProcess.waitForExit(process, seconds: 10))
        }
    }

    /// What the fake refuses, as Bungie.net would: no API key, a malformed token exchange, an
    /// expired code, memberships without its token, a path it does not serve.
    @Test func refusesWhatBungieNetRefuses() {
        let fake = FakeBungieNet()
        let server = HTTPServer(port: 0) { fake.respond(to: $0) }
        guard let port = try? server.start(), let client = try? RawConnection(port: port) else { Issue.record("cannot serve"); return }
        defer { server.stop() }
        func send(_ method: String, _ path: String, _ headers: [(String, String)], _ body: String = "") -> (Int, String) {
            let head = headers.map { "\($0.0): \($0.1)\r\n" }.joined()
            client.send("\(method) \(path) HTTP/1.1\r\nHost: t\r\n\(head)Content-Length: \(body.utf8.count)\r\n\r\n\(body)")
            guard let answer = client.readResponse() else { return (0, "") }
            return (answer.status, answer.body)
        }
        let key = ("X-API-Key", "k"), basic = ("Authorization", "Basic Y2xpZW50OnNlY3JldA==")
        #expect(send("POST", "/platform/app/oauth/token/", [basic], "grant_type=authorization_code&code=1").0 == 401)
        #expect(send("POST", "/platform/app/oauth/token/", [key], "grant_type=authorization_code&code=1").0 == 400, "no client credentials")
        #expect(send("POST", "/platform/app/oauth/token/", [key, basic], "grant_type=password&code=1").0 == 400)
        #expect(send("POST", "/platform/app/oauth/token/", [key, basic], "grant_type=authorization_code&code=invalid") == (400, #"{"error":"invalid_grant","error_description":"AuthorizationCodeInvalid"}"#))
        #expect(send("POST", "/platform/app/oauth/token/", [key, basic], "grant_type=authorization_code&code=abc").1.contains(#""membership_id":"12345678""#),
                "a code that is not digits signs in the default player")
        #expect(send("GET", "/Platform/User/GetMembershipsForCurrentUser/", [key]).0 == 401)
        #expect(send("GET", "/Platform/User/GetMembershipsForCurrentUser/", [key, ("Authorization", "Bearer fake-access-token-77")]).1.contains(#""membershipId":"77""#))
        #expect(send("GET", "/elsewhere", [key]).0 == 404)
    }
}
