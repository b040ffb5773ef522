import RaidHubAPIGateway
import RaidHubAuth
import RaidHubFunctions
import RaidHubJSON
import RaidHubLambda
import RaidHubLambdaTesting
import RaidHubTime
import Testing

@Suite struct TokenEndpointFunctionTests {
    static let environment = ["JWT_SECRET": "functions-tests-jwt-secret-0123456789abcdef", "CLIENT_SECRET": "client", "ADMIN_CLIENT_SECRET": "admin"]
    static let now = UnixTime(milliseconds: 1_709_508_600_000)
    let user = LambdaTestClient(try! TokenEndpointFunction.user(environment: environment, clock: FixedWallClock(now)))
    let body = #"{"bungieMembershipId":"1","destinyMembershipIds":["2"],"clientSecret":"client"}"#

    @Test(arguments: [PayloadFormat.version2, .version1])
    func answersInTheShapeTheEventCameIn(format: PayloadFormat) throws {
        let response = try user.send(TestHTTPRequest(path: "/authorize/user", body: body, format: format))
        #expect(response.status == 200)
        #expect(response.headers == ["Content-Type": "application/json"])
        let payload = try user.invoke(TestHTTPRequest(path: "/authorize/user", body: body, format: format).event).payload
        let object = try #require(try JSONParser.parse(payload).objectValue)
        #expect(object.contains("multiValueHeaders") == (format == .version1))
        #expect(object["isBase64Encoded"] == .bool(false))
    }

    @Test func refusesOtherMethodsWithAllow() throws {
        for method in ["GET", "PUT", "OPTIONS", "get"] {
            let response = try user.send(TestHTTPRequest(method: method, path: "/authorize/user", body: body))
            #expect(response.status == 405)
            #expect(response.headers["Allow"] == "POST")
            #expect(response.body.hasSuffix(#""code":"MethodNotAllowedError","error":{"allowed":["POST"]}}"#))
        }
    }

    @Test func answers400ForABodyThatIsNotBase64() throws {
        var event = try #require(String(decoding: TestHTTPRequest(path: "/authorize/user", body: "%%%").event, as: UTF8.self) as String?)
        event = event.replacingOccurrences(of: #""isBase64Encoded":false"#, with: #""isBase64Encoded":true"#)
        let response = try TestHTTPResponse(decoding: user.invoke(Array(event.utf8)).payload)
        #expect(response.status == 400)
        #expect(response.body.contains(#""code":"invalid_json""#))
    }

    @Test func readsRESTHeadersAndMultiValueHeadersInAnyCase() throws {
        let event = #"{"httpMethod":"POST","path":"/authorize/user","headers":null,"multiValueHeaders":{"CONTENT-TYPE":["application/json"]},"body":"\#(body.replacingOccurrences(of: "\"", with: "\\\""))","isBase64Encoded":false}"#
        let request = try APIGatewayRequest.decode(Array(event.utf8))
        #expect(request.headers["content-type"] == "application/json")
        #expect(request.format == .version1)
        #expect(try TestHTTPResponse(decoding: user.invoke(Array(event.utf8)).payload).status == 200)
    }

    @Test(arguments: [
        ("not json", FunctionError.Code.invalidEvent),
        ("[]", .invalidEvent),
        (#"{"version":"2.0"}"#, .invalidEvent),
        (#"{"version":"3.0","rawPath":"/"}"#, .invalidEvent),
        (#"{"type":"TOKEN","authorizationToken":"x","methodArn":"arn"}"#, .invalidEvent),
        (#"{"path":"/","body":"{}"}"#, .invalidEvent),
    ])
    func reportsEventsItDoesNotKnowAsFunctionErrors(event: String, code: FunctionError.Code) {
        #expect(throws: FunctionError.self) { try user.invoke(Array(event.utf8)) }
        do { _ = try user.invoke(Array(event.utf8)) } catch { #expect(error.code == code) }
    }

    @Test func refusesEventsOverSixMegabytes() {
        let huge = [UInt8](repeating: 0x20, count: 6 * 1024 * 1024 + 1)
        do { _ = try user.invoke(huge); Issue.record("accepted") } catch { #expect(error.code == .eventTooLarge) }
    }

    @Test func logsTheStatusAndTheErrorCode() throws {
        let wrong = try user.invoke(TestHTTPRequest(path: "/authorize/user", body: #"{"bungieMembershipId":"1","destinyMembershipIds":[],"clientSecret":"x"}"#).event)
        #expect(wrong.outcome == .http(status: 403, errorCode: "InvalidClientSecretError"))
        let good = try user.invoke(TestHTTPRequest(path: "/authorize/user", body: body).event)
        #expect(good.outcome == .http(status: 200, errorCode: nil))
    }
}
