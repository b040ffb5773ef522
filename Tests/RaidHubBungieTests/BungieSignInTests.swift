import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import RaidHubAuth
import RaidHubBungie
import RaidHubFunctions
import RaidHubJWT
import RaidHubLambdaTesting
import RaidHubTime
import Testing

@Suite(.serialized) struct BungieSignInTests {
    static let jwtSecret = "bungie-tests-jwt-secret-0123456789abcdef0123"

    func environment(_ fake: FakeBungie) -> [String: String] {
        ["JWT_SECRET": Self.jwtSecret, "BUNGIE_CLIENT_ID": "12345", "BUNGIE_CLIENT_SECRET": "client-SECRET-value",
         "BUNGIE_API_KEY": "api-key-SECRET", "BUNGIE_BASE_URL": fake.baseURL]
    }

    func signIn(_ fake: FakeBungie, body: String = #"{"code":"the/code+1"}"#) throws -> TestHTTPResponse {
        let function = LambdaTestClient(try BungieFunctionCatalog.function(environment: environment(fake)))
        return try function.send(TestHTTPRequest(path: "/authorize/bungie", body: body))
    }

    func claims(_ response: TestHTTPResponse) throws -> RaidHubClaims {
        let token = try #require(try response.json.objectValue?["response"]?.objectValue?["value"]?.stringValue)
        let keys = try JWTKeySet(environment: ["JWT_SECRET": Self.jwtSecret])
        return try RaidHubTokenVerifier(keys: keys).verify(token, now: SystemWallClock().now())
    }

    /// Nothing of Bungie's reaches the caller: not the code, not its tokens, not its answer.
    func expectNothingEchoed(_ response: TestHTTPResponse) {
        for secret in ["the/code", "SECRET", "bungie-access-token", "ErrorStatus", "Guardian", "invalid_grant"] {
            #expect(!response.body.contains(secret), "\(secret) in \(response.body)")
        }
    }

    @Test func signsAPlayerInWithTheSameTokenAuthorizeUserMints() throws {
        let fake = try FakeBungie()
        let response = try signIn(fake)
        #expect(response.status == 200)
        let claims = try claims(response)
        #expect(claims.bungieMembershipId.description == "12345678")
        #expect(claims.destinyMembershipIds.map(\.description) == ["4611686018488107374", "4611686018488107375"])
        #expect(!claims.isAdmin)
        #expect(claims.expiresAt - claims.issuedAt == TokenLifetime.userSeconds)
        let (exchange, memberships) = (fake.requests[0], fake.requests[1])
        #expect(exchange.method == "POST")
        #expect(String(decoding: exchange.body, as: UTF8.self) == "grant_type=authorization_code&code=the%2Fcode%2B1")
        #expect(exchange.header("content-type") == "application/x-www-form-urlencoded")
        #expect(exchange.header("authorization") == "Basic " + Data("12345:client-SECRET-value".utf8).base64EncodedString())
        #expect(exchange.header("x-api-key") == "api-key-SECRET")
        #expect(memberships.method == "GET")
        #expect(memberships.header("authorization") == "Bearer bungie-access-token-SECRET")
        #expect(memberships.header("x-api-key") == "api-key-SECRET")
        expectNothingEchoed(response)
    }

    @Test func refusesACodeBungieRejects() throws {
        let fake = try FakeBungie()
        fake.tokenAnswer = .init(status: 400, body: #"{"error":"invalid_grant","error_description":"AuthorizationCodeInvalid"}"#)
        let response = try signIn(fake)
        #expect(response.status == 403)
        #expect(response.body.hasSuffix(#""code":"InvalidAuthorizationCodeError","error":{}}"#))
        #expect(fake.requests.count == 1)
        expectNothingEchoed(response)
    }

    @Test func passesOnThrottlingWithRetryAfter() throws {
        let fake = try FakeBungie()
        fake.membershipsAnswer = .init(body: #"{"ErrorCode":51,"ThrottleSeconds":7,"ErrorStatus":"PerEndpointRequestThrottleExceeded","Message":"slow down"}"#)
        let throttled = try signIn(fake)
        #expect(throttled.status == 503)
        #expect(throttled.headers["Retry-After"] == "7")
        #expect(throttled.body.hasSuffix(#""code":"BungieThrottledError","error":{"retryAfter":7}}"#))
        expectNothingEchoed(throttled)

        fake.membershipsAnswer = FakeBungie.Answer(body: FakeBungie.memberships([]))
        fake.tokenAnswer = .init(status: 429, headers: [.init(name: "Retry-After", value: "3")], body: "")
        let tooMany = try signIn(fake)
        #expect(tooMany.status == 503)
        #expect(tooMany.headers["Retry-After"] == "3")
    }

    @Test(arguments: [
        ("token", 500, #"{"ErrorCode":5,"ErrorStatus":"SystemDisabled"}"#),
        ("memberships", 500, "<html>Internal Server Error</html>"),
        ("token", 200, "not json at all"),
        ("token", 200, #"{"access_token":"x","membership_id":"not-a-number"}"#),
        ("token", 401, #"{"error":"invalid_client"}"#),
        ("memberships", 200, "{\"Response\":"),
        ("memberships", 200, #"{"ErrorCode":99,"ThrottleSeconds":0,"ErrorStatus":"WebAuthRequired","Message":"Please sign in"}"#),
        ("memberships", 200, #"{"ErrorCode":1,"ThrottleSeconds":0,"Response":{"destinyMemberships":[{"membershipId":"x"}]}}"#),
        ("memberships", 200, #"{"ErrorCode":1,"ThrottleSeconds":0,"Response":{}}"#),
    ])
    func answers502WhenBungieFailsOrAnswersNonsense(endpoint: String, status: Int, body: String) throws {
        let fake = try FakeBungie()
        if endpoint == "token" { fake.tokenAnswer = .init(status: status, body: body) } else { fake.membershipsAnswer = .init(status: status, body: body) }
        let response = try signIn(fake)
        #expect(response.status == 502)
        #expect(response.body.hasSuffix(#""code":"BungieServiceError","error":{}}"#))
        expectNothingEchoed(response)
    }

    @Test func answers502WhenBungieIsUnreachable() throws {
        var environment = environment(try FakeBungie())
        environment["BUNGIE_BASE_URL"] = "http://127.0.0.1:1"
        let function = LambdaTestClient(try BungieFunctionCatalog.function(environment: environment))
        #expect(try function.send(TestHTTPRequest(path: "/authorize/bungie", body: #"{"code":"c"}"#)).status == 502)
    }

    /// Bungie's calls get what is left of the invocation's time, less the margin kept to mint
    /// and answer: on a clock stopped one second before the deadline, each call may take 750 ms;
    /// a call that takes it all ends the sign-in as Bungie's failure, before Lambda's deadline.
    @Test func boundsBungiesCallsByTheInvocationsDeadline() throws {
        final class RecordingTransport: BungieTransport, @unchecked Sendable {
            let lock = NSLock()
            var timeouts: [TimeInterval] = []
            func send(_ request: URLRequest, timeout: TimeInterval) -> Result<(HTTPURLResponse, Data), BungieTransportError> {
                lock.withLock { timeouts.append(timeout) }
                return .failure(.timedOut)
            }
        }
        let now = UnixTime(milliseconds: 1_800_000_000_000)
        let transport = RecordingTransport()
        let endpoint = BungieSignInEndpoint(
            bungie: try BungieConfiguration(environment: environment(try FakeBungie())), keys: try JWTKeySet(environment: ["JWT_SECRET": Self.jwtSecret]),
            transport: transport, clock: FixedWallClock(now))
        let response = endpoint.respond(to: Array(#"{"code":"c"}"#.utf8), deadlineMilliseconds: now.milliseconds + 1000)
        #expect(response.status == 502)
        #expect(response.logDetails["bungieStatus"] == "TimedOut")
        #expect(transport.lock.withLock { transport.timeouts } == [0.75])
        let late = endpoint.respond(to: Array(#"{"code":"c"}"#.utf8), deadlineMilliseconds: now.milliseconds + 200)
        #expect(late.status == 502, "no time left: not even a call")
        #expect(transport.lock.withLock { transport.timeouts }.last == -0.05)
    }

    /// The URLSession transport gives up at its timeout: Bungie answering after 5 s is a
    /// timeout for a call given half a second (what matters is the answer, not how long).
    @Test func theTransportGivesUpAtItsTimeout() throws {
        let fake = try FakeBungie()
        fake.membershipsAnswer.delaySeconds = 5
        fake.tokenAnswer.delaySeconds = 5
        var request = URLRequest(url: URL(string: fake.baseURL + "/platform/app/oauth/token/")!)
        request.httpMethod = "POST"
        #expect(URLSessionBungieTransport().send(request, timeout: 0.5).isTimedOut)
        #expect(URLSessionBungieTransport().send(request, timeout: 0).isTimedOut, "no time at all: not sent")
    }

    @Test func mintsATokenForAPlayerWithNoDestinyMembership() throws {
        let fake = try FakeBungie()
        fake.membershipsAnswer = .init(body: FakeBungie.memberships([]))
        let response = try signIn(fake)
        #expect(response.status == 200)
        #expect(try claims(response).destinyMembershipIds.isEmpty)
    }

    @Test func keepsAtMost64DestinyMemberships() throws {
        let fake = try FakeBungie()
        let ids = (1...70).map { String(4_611_686_018_488_107_000 + $0) }
        fake.membershipsAnswer = .init(body: FakeBungie.memberships(ids + ids.prefix(3)))
        let response = try signIn(fake)
        #expect(response.status == 200)
        #expect(try claims(response).destinyMembershipIds.map(\.description) == Array(ids.prefix(64)))
    }

    @Test(arguments: [
        ("{}", "invalid_type"), (#"{"code":7}"#, "invalid_type"), (#"{"code":""}"#, "too_small"),
        (#"{"code":"\#(String(repeating: "a", count: 513))"}"#, "too_big"), (#"{"code":"has space"}"#, "invalid_string"),
        (#"{"code":"é"}"#, "invalid_string"), (#"{"code":"a","code":"b"}"#, "duplicate_key"),
    ])
    func validatesTheCodeBeforeCallingBungie(body: String, code: String) throws {
        let fake = try FakeBungie()
        let response = try signIn(fake, body: body)
        #expect(response.status == 400)
        #expect(response.body.contains(#""path":["code"],"code":"\#(code)""#))
        #expect(fake.requests.isEmpty)
    }

    @Test func refusesUnsafeConfiguration() throws {
        let fake = try FakeBungie()
        var environment = environment(fake)
        environment["BUNGIE_BASE_URL"] = "http://bungie.example.com"
        #expect(throws: ConfigurationError(variable: "BUNGIE_BASE_URL", problem: .invalid("must be an https URL (http only to a loopback address)"))) {
            try BungieFunctionCatalog.function(environment: environment)
        }
        environment = self.environment(fake)
        environment["BUNGIE_API_KEY"] = nil
        #expect(throws: ConfigurationError(variable: "BUNGIE_API_KEY", problem: .missing)) { try BungieFunctionCatalog.function(environment: environment) }
        var dumped = ""
        dump(try BungieConfiguration(environment: self.environment(fake)), to: &dumped)
        #expect(!dumped.contains("SECRET"))
    }
}

extension Result where Success == (HTTPURLResponse, Data), Failure == BungieTransportError {
    fileprivate var isTimedOut: Bool {
        if case .failure(.timedOut) = self { true } else { false }
    }
}
