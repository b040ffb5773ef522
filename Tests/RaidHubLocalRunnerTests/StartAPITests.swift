import Foundation
@testable import RaidHubAPIGatewayEmulator
@testable import RaidHubEmulation
import RaidHubHTTP
import RaidHubHTTPServer
@testable import RaidHubLambdaEmulator
import RaidHubLocalRunner
@testable import RaidHubTemplate
import RaidHubRunnerTestSupport
import RaidHubTestSupport
import RaidHubYAML
import Testing

/// `start-api` over real sockets, with the real functions and the project's template.
@Suite(.serialized) struct StartAPITests {
    /// Every HTTP API sample event of the token functions, sent as the HTTP request it stands
    /// for, gets the status and body the function's expected answer holds; except the GET ones:
    /// the template routes only POST, so API Gateway answers those 404 before any function runs.
    @Test(arguments: ["authorize-user", "authorize-admin"])
    func answersEverySampleEventsHTTPEquivalent(function: String) throws {
        let (server, runner, base) = try StartAPIServer.start(try RunnerServers.projectTemplate())
        defer { server.stop(); runner.shutdown() }
        for eventURL in try DevelopmentEnvironment.sampleEvents(of: function) {
            // A 2.0 event and a 1.0 event describe the same HTTP request; the template routes it
            // through its HTTP API either way, and status and body are the same.
            let event = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: eventURL)) as? [String: Any])
            let http = (event["requestContext"] as? [String: Any])?["http"] as? [String: Any]
            let method = try #require(http?["method"] as? String ?? event["httpMethod"] as? String)
            let path = try #require(event["rawPath"] as? String ?? event["path"] as? String)
            var body = Data((event["body"] as? String ?? "").utf8)
            if event["isBase64Encoded"] as? Bool == true { body = try #require(Data(base64Encoded: body)) }
            let answer = try RunnerHTTPClient.send(method, base + path, headers: event["headers"] as? [String: String] ?? [:], body: body.isEmpty ? nil : body)
            if method != "POST" {
                #expect(answer.status == 404)
                #expect(answer.body == #"{"message":"Not Found"}"#)
                continue
            }
            let expected = try #require(try JSONSerialization.jsonObject(with: Data(DevelopmentEnvironment.expectedAnswer(for: eventURL).utf8)) as? [String: Any])
            #expect(answer.status == expected["statusCode"] as? Int, "\(eventURL.lastPathComponent)")
            let normalized = try ClockPlaceholders.fill(answer.body, environment: try DevelopmentEnvironment.parameters())
            #expect(normalized == expected["body"] as? String, "\(eventURL.lastPathComponent)")
            #expect(answer.headers["content-type"] == "application/json")
        }
        #expect(try RunnerHTTPClient.send("GET", base + "/nowhere").status == 404)
    }

    /// A protected route wired to the authorizer, as the deployment does it.
    @Test func guardsProtectedRoutesWithTheAuthorizer() throws {
        let text = """
        Resources:
          Api:
            Type: AWS::Serverless::HttpApi
            Properties:
              Auth:
                Authorizers:
                  Token: {FunctionArn: !GetAtt AuthorizerFunction.Arn, AuthorizerPayloadFormatVersion: '2.0', EnableSimpleResponses: true, EnableFunctionDefaultPermissions: true, Identity: {Headers: [Authorization]}}
          AuthorizeUserFunction:
            Type: AWS::Serverless::Function
            Properties:
              Environment: {Variables: {JWT_SECRET: x, CLIENT_SECRET: x}}
              Events:
                Admin: {Type: HttpApi, Properties: {Path: '/admin/{proxy+}', Method: ANY, ApiId: !Ref Api, Auth: {Authorizer: Token}}}
            Metadata: {DockerBuildArgs: {FUNCTION: authorize-user}}
          AuthorizerFunction:
            Type: AWS::Serverless::Function
            Properties:
              Environment: {Variables: {JWT_SECRET: x, ADMIN_ROUTE_PREFIXES: x}}
            Metadata: {DockerBuildArgs: {FUNCTION: authorizer}}
        """
        let (server, runner, base) = try StartAPIServer.start(try SAMTemplate(YAMLReader.read(text)))
        defer { server.stop(); runner.shutdown() }
        let events = try DevelopmentEnvironment.sampleEvents(of: "authorizer")
        func header(_ name: String) throws -> String {
            let url = try #require(events.first { $0.lastPathComponent == name + ".json" })
            let event = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
            return try #require((event["headers"] as? [String: String])?["authorization"])
        }
        #expect(try RunnerHTTPClient.send("POST", base + "/admin/users").status == 401)
        #expect(try RunnerHTTPClient.send("POST", base + "/admin/users", headers: ["Authorization": header("http-v2-deny-expired")]).body == #"{"message":"Forbidden"}"#)
        #expect(try RunnerHTTPClient.send("POST", base + "/admin/users", headers: ["Authorization": header("http-v2-deny-user-on-admin-route")]).status == 403)
        // Allowed: the request reaches the function, whose validation answers (it proves the pass).
        let allowed = try RunnerHTTPClient.send("POST", base + "/admin/users", headers: ["Authorization": header("http-v2-allow-admin-on-admin-route")], body: Data("{}".utf8))
        #expect(allowed.status == 400)
        #expect(allowed.body.contains("BodyValidationError"))
    }

    @Test func answers504OnATimeoutAnd502OnACrashOrInitError() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("runner-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try TestRuntime.write("time.sleep(60)", to: folder.appendingPathComponent("sleeper"))
        try TestRuntime.shell("exit 3", to: folder.appendingPathComponent("crasher"))
        try FileManager.default.copyItem(at: FunctionExecutable.directory.appendingPathComponent("authorize-admin"), to: folder.appendingPathComponent("authorize-admin"))
        let text = """
        Resources:
          Sleeper:
            Type: AWS::Serverless::Function
            Properties: {Timeout: 1, Events: {E: {Type: HttpApi, Properties: {Path: /slow, Method: GET}}}}
            Metadata: {DockerBuildArgs: {FUNCTION: sleeper}}
          Crasher:
            Type: AWS::Serverless::Function
            Properties: {Events: {E: {Type: Api, Properties: {Path: /crash, Method: GET}}}}
            Metadata: {DockerBuildArgs: {FUNCTION: crasher}}
          Unconfigured:
            Type: AWS::Serverless::Function
            Properties: {Events: {E: {Type: HttpApi, Properties: {Path: /init, Method: POST}}}}
            Metadata: {DockerBuildArgs: {FUNCTION: authorize-admin}}
        """
        let (server, runner, base) = try StartAPIServer.start(try SAMTemplate(YAMLReader.read(text)), executables: folder)
        defer { server.stop(); runner.shutdown() }
        let slow = try RunnerHTTPClient.send("GET", base + "/slow")
        #expect(slow.status == 504)
        #expect(slow.body == #"{"message":"Endpoint request timed out"}"#)
        let crash = try RunnerHTTPClient.send("GET", base + "/crash")
        #expect(crash.status == 502)
        #expect(crash.body == #"{"message":"Internal server error"}"#, "a REST API's wording")
        #expect(try RunnerHTTPClient.send("POST", base + "/init", body: Data("{}".utf8)).status == 502)
        #expect(try RunnerHTTPClient.send("GET", base + "/slow").status == 504, "a fresh instance after the timeout")
    }

    /// The most specific route wins whatever the template's order, as API Gateway's developer
    /// guide ("Routing API requests") shows with these routes and requests; the routes are
    /// listed least specific first, so template order would choose wrongly every time.
    @Test func choosesTheMostSpecificRouteNotTheFirst() throws {
        let folder = try TestRuntime.folder("echo", handling: """
            route = json.loads(event)["routeKey"]
            body = json.dumps({"statusCode": 200, "body": route}).encode()
            """)
        func route(_ name: String, _ method: String, _ path: String) -> String {
            "        \(name): {Type: HttpApi, Properties: {Path: '\(path)', Method: \(method)}}\n"
        }
        let text = """
            Resources:
              Echo:
                Type: AWS::Serverless::Function
                Properties:
                  Events:
                    Default: {Type: HttpApi}

            """ + route("AnyGreedy", "ANY", "/{proxy+}") + route("PetsGreedy", "GET", "/pets/{proxy+}")
            + route("DogId", "GET", "/pets/dog/{id}") + route("AnyDogOne", "ANY", "/pets/dog/1") + route("DogOne", "GET", "/pets/dog/1")
            + "    Metadata: {DockerBuildArgs: {FUNCTION: echo}}\n"
        let (server, runner, base) = try StartAPIServer.start(try SAMTemplate(YAMLReader.read(text)), executables: folder)
        defer { server.stop(); runner.shutdown() }
        for (method, path, chosen) in [
            ("GET", "/pets/dog/1", "GET /pets/dog/1"), ("POST", "/pets/dog/1", "ANY /pets/dog/1"),
            ("GET", "/pets/dog/2", "GET /pets/dog/{id}"), ("GET", "/pets/cat/1", "GET /pets/{proxy+}"),
            ("POST", "/pets/cat/1", "ANY /{proxy+}"), ("GET", "/", "$default"),
        ] {
            let answer = try RunnerHTTPClient.send(method, base + path)
            #expect(answer.body == chosen, "\(method) \(path)")
        }
    }

    @Test func servesParallelRequests() async throws {
        let (server, runner, base) = try StartAPIServer.start(try RunnerServers.projectTemplate())
        defer { server.stop(); runner.shutdown() }
        let body = Data(#"{"bungieMembershipId":"1","destinyMembershipIds":[],"clientSecret":"wrong"}"#.utf8)
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<24 { group.addTask { try RunnerHTTPClient.send("POST", base + "/authorize/user", body: body).status } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 403, count: 24))
    }

    /// API Gateway caches an authorizer's decision for ReauthorizeEvery seconds, keyed on its
    /// identity sources: a second identical call does not invoke the authorizer, another token
    /// does; with a TTL of 0 every call does.
    @Test(arguments: [(300, 3), (0, 4)])
    func cachesAuthorizerDecisionsForTheTemplatesTTL(ttl: Int, starts: Int) throws {
        let text = """
        Resources:
          Api:
            Type: AWS::Serverless::HttpApi
            Properties:
              Auth:
                Authorizers:
                  Token: {FunctionArn: !GetAtt AuthorizerFunction.Arn, AuthorizerPayloadFormatVersion: '2.0', EnableSimpleResponses: true, EnableFunctionDefaultPermissions: true, Identity: {Headers: [Authorization], ReauthorizeEvery: \(ttl)}}
          WhoAmIFunction:
            Type: AWS::Serverless::Function
            Properties:
              Events:
                Me: {Type: HttpApi, Properties: {Path: /me, Method: GET, ApiId: !Ref Api, Auth: {Authorizer: Token}}}
            Metadata: {DockerBuildArgs: {FUNCTION: whoami}}
          AuthorizerFunction:
            Type: AWS::Serverless::Function
            Properties:
              Environment: {Variables: {JWT_SECRET: x}}
            Metadata: {DockerBuildArgs: {FUNCTION: authorizer}}
        """
        let lines = LambdaLogLines()
        let envFile = try EnvironmentFile.load(DevelopmentEnvironment.root.appendingPathComponent("local-runner/env.json"))
        let time = Timekeeper.manual()
        let runner = LambdaEmulator(template: try SAMTemplate(YAMLReader.read(text)), environmentFile: envFile,
                                 executablesDirectory: FunctionExecutable.directory, log: lines.log, timekeeper: time)
        let emulator = APIGatewayEmulator(runner: runner, host: "127.0.0.1")
        let server = HTTPServer(port: 0) { emulator.respond(to: $0) }
        let base = "http://127.0.0.1:\(try server.start())"
        defer { server.stop(); runner.shutdown() }
        let url = DevelopmentEnvironment.root.appendingPathComponent("functions/authorizer/events/http-v2-allow-user.json")
        let event = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let bearer = try #require((event["headers"] as? [String: String])?["authorization"])
        for _ in 0..<2 { #expect(try RunnerHTTPClient.send("GET", base + "/me", headers: ["Authorization": bearer]).status == 200) }
        // Authorizer and function the first time; only the function the second (TTL 300).
        #expect(lines.count("START") == starts)
        let other = try RunnerHTTPClient.send("GET", base + "/me", headers: ["Authorization": "Bearer not.a.token"])
        #expect(other.status == 403)
        guard ttl > 0 else { return }
        time.advance(by: .seconds(ttl) - .milliseconds(1))
        #expect(try RunnerHTTPClient.send("GET", base + "/me", headers: ["Authorization": bearer]).status == 200)
        #expect(lines.count("START") == starts + 2, "the 403's authorizer call, and this call's function: still cached")
        time.advance(by: .milliseconds(1))
        #expect(try RunnerHTTPClient.send("GET", base + "/me", headers: ["Authorization": bearer]).status == 200)
        #expect(lines.count("START") == starts + 4, "expired after its TTL: the authorizer runs again")
    }

    /// Each HTTP API answers with its own CORS: a preflight or an answer on an API without
    /// CorsConfiguration gets no CORS header, though another API of the template has one.
    @Test func answersEachAPIsOwnCORS() throws {
        let folder = try TestRuntime.folder("echo", handling: "")
        let template = try SAMTemplate(YAMLReader.read("""
            Resources:
              Public:
                Type: AWS::Serverless::HttpApi
                Properties: {CorsConfiguration: {AllowOrigins: [https://example.com], AllowMethods: [GET]}}
              Internal:
                Type: AWS::Serverless::HttpApi
              Echo:
                Type: AWS::Serverless::Function
                Properties:
                  Events:
                    Public: {Type: HttpApi, Properties: {ApiId: !Ref Public, Path: /public, Method: GET}}
                    Internal: {Type: HttpApi, Properties: {ApiId: !Ref Internal, Path: /internal, Method: GET}}
                Metadata: {DockerBuildArgs: {FUNCTION: echo}}
            """))
        let (server, runner, base) = try StartAPIServer.start(template, executables: folder)
        defer { server.stop(); runner.shutdown() }
        let ask = ["Origin": "https://example.com", "Access-Control-Request-Method": "GET"]
        let publicPreflight = try RunnerHTTPClient.send("OPTIONS", base + "/public", headers: ask)
        #expect(publicPreflight.status == 204)
        #expect(publicPreflight.headers["access-control-allow-origin"] == "https://example.com")
        let internalPreflight = try RunnerHTTPClient.send("OPTIONS", base + "/internal", headers: ask)
        #expect(internalPreflight.status == 404, "no OPTIONS route, and no CORS to answer it")
        #expect(internalPreflight.headers["access-control-allow-origin"] == nil)
        #expect(try RunnerHTTPClient.send("GET", base + "/public", headers: ["Origin": "https://example.com"]).headers["access-control-allow-origin"] == "https://example.com")
        #expect(try RunnerHTTPClient.send("GET", base + "/internal", headers: ["Origin": "https://example.com"]).headers["access-control-allow-origin"] == nil)
    }

    /// A browser's preflight is answered by the gateway from the template's CorsConfiguration,
    /// and answers to an allowed origin carry Access-Control-Allow-Origin.
    @Test func answersPreflightsAndAddsCORSHeadersFromTheTemplate() throws {
        let (server, runner, base) = try StartAPIServer.start(try RunnerServers.projectTemplate())
        defer { server.stop(); runner.shutdown() }
        let preflight = try RunnerHTTPClient.send("OPTIONS", base + "/authorize/user", headers: [
            "Origin": "https://raidhub.io", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type",
        ])
        #expect(preflight.status == 204)
        #expect(preflight.headers["access-control-allow-origin"] == "https://raidhub.io")
        #expect(preflight.headers["access-control-allow-methods"] == "GET,POST,OPTIONS")
        #expect(preflight.headers["access-control-allow-headers"] == "authorization,content-type,x-raidhub-user-authorization")
        #expect(preflight.headers["access-control-max-age"] == "600")
        let foreign = try RunnerHTTPClient.send("OPTIONS", base + "/authorize/user", headers: ["Origin": "https://evil.example", "Access-Control-Request-Method": "POST"])
        #expect(foreign.status == 204)
        #expect(foreign.headers["access-control-allow-origin"] == nil)
        let body = Data(#"{"bungieMembershipId":"1","destinyMembershipIds":[],"clientSecret":"wrong"}"#.utf8)
        let answer = try RunnerHTTPClient.send("POST", base + "/authorize/user", headers: ["Origin": "https://www.raidhub.io"], body: body)
        #expect(answer.status == 403)
        #expect(answer.headers["access-control-allow-origin"] == "https://www.raidhub.io")
        let notBrowser = try RunnerHTTPClient.send("POST", base + "/authorize/user", body: body)
        #expect(notBrowser.headers["access-control-allow-origin"] == nil)
        let shorthand = try SAMTemplate(YAMLReader.read("Resources:\n  Api:\n    Type: AWS::Serverless::HttpApi\n    Properties:\n      CorsConfiguration: true\n"))
        #expect(shorthand.corsConfigurations == ["Api": CORSConfiguration(allowOrigins: ["*"])], "SAM's translator sets only the origins")
    }

    /// The caller's trace id and client context reach the runtime as Lambda passes them; without
    /// a trace id the runtime gets a new one in X-Ray's form.
    @Test func passesTraceIdAndClientContextToTheRuntime() throws {
        let folder = try TestRuntime.folder("echo", handling: """
            headers = {k: answer.getheader(k) for k in ("Lambda-Runtime-Trace-Id", "Lambda-Runtime-Client-Context", "Lambda-Runtime-Invoked-Function-Arn")}
            body = json.dumps(headers).encode()
            """)
        let template = try SAMTemplate(YAMLReader.read("Resources:\n  Echo:\n    Type: AWS::Serverless::Function\n    Metadata: {DockerBuildArgs: {FUNCTION: echo}}\n"))
        let (server, runner, functions) = try RunnerServers.invokeAPI(template, executables: folder)
        let base = functions + "/Echo/invocations"
        defer { server.stop(); runner.shutdown() }
        let trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
        let context = Data(#"{"custom":{"app":"raidhub"}}"#.utf8).base64EncodedString()
        let seen = try RunnerHTTPClient.send("POST", base, headers: ["X-Amzn-Trace-Id": trace, "X-Amz-Client-Context": context], body: Data("{}".utf8))
        let headers = try #require(try JSONSerialization.jsonObject(with: Data(seen.body.utf8)) as? [String: Any])
        #expect(headers["Lambda-Runtime-Trace-Id"] as? String == trace)
        #expect(headers["Lambda-Runtime-Client-Context"] as? String == #"{"custom":{"app":"raidhub"}}"#)
        #expect(headers["Lambda-Runtime-Invoked-Function-Arn"] as? String == "arn:aws:lambda:us-east-1:000000000000:function:Echo")
        let fresh = try RunnerHTTPClient.send("POST", base, body: Data("{}".utf8))
        let generated = try #require((try JSONSerialization.jsonObject(with: Data(fresh.body.utf8)) as? [String: Any])?["Lambda-Runtime-Trace-Id"] as? String)
        #expect(generated.wholeMatch(of: /Root=1-[0-9a-f]{8}-[0-9a-f]{24};Sampled=0/) != nil, "\(generated)")
    }

    /// The project's own routes through its own authorizer, with the sample tokens: the template
    /// names no identity source, so every header form reaches the authorizer and a request with
    /// no token too (the authorizer, not API Gateway, refuses it where a token is required).
    /// The bearer token of one of the authorizer's sample events.
    static func token(_ sample: String) throws -> String {
        let url = DevelopmentEnvironment.root.appendingPathComponent("functions/authorizer/events/\(sample).json")
        let event = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let header = try #require((event["headers"] as? [String: String])?["authorization"])
        return String(header.dropFirst("Bearer ".count))
    }

    /// An authorizer from `Globals.HttpApi`, named with each spelling SAM accepts, guards the
    /// implicit API's routes; a `$default` route takes what no other route matches.
    @Test(arguments: ["!GetAtt AuthorizerFunction.Arn", "!GetAtt [AuthorizerFunction, Arn]", "{Fn::GetAtt: [AuthorizerFunction, Arn]}",
                      "{'Fn::GetAtt': AuthorizerFunction.Arn}", "!Sub '${AuthorizerFunction.Arn}'", "{'Fn::Sub': 'arn:${AWS::Partition}:x:${AuthorizerFunction.Arn}'}"])
    func servesGlobalAuthorizersInEverySpellingAndTheDefaultRoute(functionArn: String) throws {
        let text = """
        Globals:
          Function:
            Environment: {Variables: {JWT_SECRET: !Ref Secret, CLIENT_SECRET: x, ADMIN_CLIENT_SECRET: y}}
          HttpApi:
            Auth:
              DefaultAuthorizer: Token
              Authorizers:
                Token: {FunctionArn: \(functionArn), AuthorizerPayloadFormatVersion: '2.0', EnableSimpleResponses: true, EnableFunctionDefaultPermissions: true, Identity: {Headers: [Authorization]}}
        Parameters:
          Secret: {Type: String, NoEcho: true}
        Resources:
          WhoAmIFunction:
            Type: AWS::Serverless::Function
            Properties:
              Events: {Me: {Type: HttpApi, Properties: {Path: /me, Method: GET}}}
            Metadata: {DockerBuildTarget: whoami}
          Everything:
            Type: AWS::Serverless::Function
            Properties:
              Events: {All: {Type: HttpApi, Properties: {Auth: {Authorizer: NONE}}}}
            Metadata: {DockerBuildTarget: authorize-admin}
          AuthorizerFunction:
            Type: AWS::Serverless::Function
            Metadata: {DockerBuildTarget: authorizer}
        """
        let (server, runner, base) = try StartAPIServer.start(try SAMTemplate(YAMLReader.read(text)))
        defer { server.stop(); runner.shutdown() }
        #expect(try RunnerHTTPClient.send("GET", base + "/me").status == 401, "no token: the identity source is missing")
        #expect(try RunnerHTTPClient.send("GET", base + "/me", headers: ["Authorization": "Bearer \(try Self.token("http-v2-deny-forged"))"]).status == 403)
        let me = try RunnerHTTPClient.send("GET", base + "/me", headers: ["Authorization": "Bearer \(try Self.token("http-v2-allow-user"))"])
        #expect(me.status == 200)
        #expect(me.body.contains(#""bungieMembershipId":"12345678""#))
        // Any other path and method reaches the $default route's function, whatever it answers.
        let other = try RunnerHTTPClient.send("POST", base + "/anything/else", body: Data(#"{"unexpected":true}"#.utf8))
        #expect(other.status == 400)
        #expect(other.body.contains(#""code":"BodyValidationError""#), "authorize-admin's own answer: \(other.body)")
    }

    @Test func servesTheProtectedAndOptionalRoutesOfTheProjectTemplate() throws {
        let (server, runner, base) = try StartAPIServer.start(try RunnerServers.projectTemplate())
        defer { server.stop(); runner.shutdown() }
        let token = Self.token
        let user = try token("http-v2-allow-user")
        let forged = try token("http-v2-deny-forged")
        let claims = #""success":true,"response":{"bungieMembershipId":"12345678","destinyMembershipIds":["4611686018488107374","4611686018488107375"],"isAdmin":false}}"#
        for headers in [["Authorization": "Bearer \(user)"], ["authorization": "bearer \(user)"],
                        ["x-raidhub-user-authorization": user], ["X-RaidHub-User-Authorization": "Bearer \(user)"]] {
            for path in ["/authorize/whoami", "/player/whoami"] {
                let me = try RunnerHTTPClient.send("GET", base + path, headers: headers)
                #expect(me.status == 200, "\(path) \(headers.keys)")
                #expect(me.body.hasSuffix(claims))
            }
        }
        // A token is required on /authorize/whoami; on the optional-auth route none is fine.
        let refused = try RunnerHTTPClient.send("GET", base + "/authorize/whoami")
        #expect(refused.status == 403)
        #expect(refused.body == #"{"message":"Forbidden"}"#)
        let anonymous = try RunnerHTTPClient.send("GET", base + "/player/whoami")
        #expect(anonymous.status == 200)
        #expect(anonymous.body.hasSuffix(#""success":true,"response":{"bungieMembershipId":null,"destinyMembershipIds":[],"isAdmin":false}}"#))
        // A present but bad token is refused everywhere, in either header.
        for headers in [["Authorization": "Bearer \(forged)"], ["x-raidhub-user-authorization": forged], ["Authorization": "Basic dXNlcjpwYXNz"]] {
            for path in ["/authorize/whoami", "/player/whoami"] {
                #expect(try RunnerHTTPClient.send("GET", base + path, headers: headers).status == 403, "\(path) \(headers)")
            }
        }
    }

    /// API Gateway's identity sources: every one must be present and non-empty, else 401 without
    /// invoking the authorizer; their values reach it as `identitySource`, in SAM's order.
    @Test func answers401WhenAnyIdentitySourceIsMissing() throws {
        let text = """
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Api:
            Type: AWS::Serverless::HttpApi
            Properties:
              Auth:
                Authorizers:
                  Token: {FunctionArn: !GetAtt AuthorizerFunction.Arn, AuthorizerPayloadFormatVersion: '2.0', EnableSimpleResponses: true, EnableFunctionDefaultPermissions: true, Identity: {Headers: [Authorization, X-Tenant], QueryStrings: [v], Context: [routeKey]}}
          WhoAmIFunction:
            Type: AWS::Serverless::Function
            Properties:
              Events:
                Me: {Type: HttpApi, Properties: {Path: /me, Method: GET, ApiId: !Ref Api, Auth: {Authorizer: Token}}}
            Metadata: {DockerBuildArgs: {FUNCTION: whoami}}
          AuthorizerFunction:
            Type: AWS::Serverless::Function
            Properties:
              Environment: {Variables: {JWT_SECRET: x}}
            Metadata: {DockerBuildArgs: {FUNCTION: authorizer}}
        """
        let template = try SAMTemplate(YAMLReader.read(text))
        #expect(template.routes.first?.authorizer?.identitySources == [.header("Authorization"), .header("X-Tenant"), .queryString("v"), .context("routeKey")])
        let (server, runner, base) = try StartAPIServer.start(template)
        defer { server.stop(); runner.shutdown() }
        let url = DevelopmentEnvironment.root.appendingPathComponent("functions/authorizer/events/http-v2-allow-user.json")
        let event = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let bearer = try #require((event["headers"] as? [String: String])?["authorization"])
        let complete = ["Authorization": bearer, "X-Tenant": "t"]
        #expect(try RunnerHTTPClient.send("GET", base + "/me?v=1", headers: complete).status == 200)
        for (path, headers) in [("/me", complete), ("/me?v=", complete), ("/me?v=1", ["Authorization": bearer]), ("/me?v=1", ["Authorization": bearer, "X-Tenant": ""])] {
            let answer = try RunnerHTTPClient.send("GET", base + path, headers: headers)
            #expect(answer.status == 401, "\(path) \(headers.keys)")
            #expect(answer.body == #"{"message":"Unauthorized"}"#)
        }
    }

    /// Sign-in with Bungie through start-api, the env file pointing the function at a fake
    /// Bungie.net on loopback.
    @Test func signsInWithBungieThroughTheRunner() throws {
        let fake = HTTPServer(port: 0) { request in
            switch request.path {
            case "/platform/app/oauth/token/":
                HTTPResponse(status: 200, body: Array(#"{"access_token":"at","token_type":"Bearer","expires_in":3600,"membership_id":"777"}"#.utf8))
            default:
                HTTPResponse(status: 200, body: Array(#"{"Response":{"destinyMemberships":[{"membershipId":"4611686018488107374"}]},"ErrorCode":1,"ThrottleSeconds":0,"ErrorStatus":"Success"}"#.utf8))
            }
        }
        let fakePort = try fake.start()
        defer { fake.stop() }
        var envFile = try EnvironmentFile.load(DevelopmentEnvironment.root.appendingPathComponent("local-runner/env.json"))
        envFile.perFunction["AuthorizeBungieFunction"] = ["BUNGIE_BASE_URL": "http://127.0.0.1:\(fakePort)"]
        let runner = LambdaEmulator(template: try RunnerServers.projectTemplate(), environmentFile: envFile, executablesDirectory: FunctionExecutable.directory, log: LambdaLog { _ in })
        let emulator = APIGatewayEmulator(runner: runner, host: "127.0.0.1")
        let server = HTTPServer(port: 0) { emulator.respond(to: $0) }
        let base = "http://127.0.0.1:\(try server.start())"
        defer { server.stop(); runner.shutdown() }
        let answer = try RunnerHTTPClient.send("POST", base + "/authorize/bungie", body: Data(#"{"code":"abc"}"#.utf8))
        #expect(answer.status == 200)
        #expect(answer.body.contains(#""success":true,"response":{"value":"eyJ"#))
        #expect(try RunnerHTTPClient.send("POST", base + "/authorize/bungie", body: Data("{}".utf8)).status == 400)
    }
}
