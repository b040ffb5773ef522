import Foundation
@testable import RaidHubAPIGatewayEmulator
import RaidHubEmulation
import RaidHubHTTP
import RaidHubJSON
import RaidHubTemplate
import RaidHubYAML
import Testing

/// The gateway on its own, through its one seam: a stub Lambda answers its Invoke calls, so
/// the order of what it does for a request (the route's function readied, the authorizer, the
/// integration) is seen without a socket or a process.
struct APIGatewayEmulatorTests {
    /// Lambda as a test wants it: functions that cannot run, canned answers, every call kept.
    final class StubLambda: LambdaIntegration, @unchecked Sendable {
        private let lock = NSLock()
        let unrunnable: Set<String>
        let answers: [String: InvocationResult]
        private var invoked: [(function: String, event: JSONValue?)] = []
        var calls: [(function: String, event: JSONValue?)] { lock.withLock { invoked } }

        init(unrunnable: Set<String> = [], answers: [String: InvocationResult] = [:]) {
            self.unrunnable = unrunnable
            self.answers = answers
        }

        struct CannotRun: Error {}

        func prepare(_ function: SAMTemplate.Function) throws {
            if unrunnable.contains(function.logicalId) { throw CannotRun() }
        }

        func invoke(_ function: SAMTemplate.Function, event: [UInt8], traceId: String?, answerBy: ContinuousClock.Instant,
                    answer: @escaping @Sendable (InvocationResult?) -> Void) throws -> (@Sendable () -> Void)? {
            if unrunnable.contains(function.logicalId) { throw CannotRun() }
            lock.withLock { invoked.append((function.logicalId, try? JSONParser.parse(event))) }
            answer(answers[function.logicalId])
            return nil
        }
    }

    static let template = """
        Resources:
          Api:
            Type: AWS::Serverless::HttpApi
            Properties:
              Auth:
                Authorizers:
                  Token: {FunctionArn: !GetAtt Check.Arn, AuthorizerPayloadFormatVersion: '2.0', EnableSimpleResponses: true, EnableFunctionDefaultPermissions: true, Identity: {Headers: [Authorization]}}
          Route:
            Type: AWS::Serverless::Function
            Properties:
              Events:
                Me: {Type: HttpApi, Properties: {Path: /me, Method: GET, ApiId: !Ref Api, Auth: {Authorizer: Token}}}
            Metadata: {DockerBuildArgs: {FUNCTION: route}}
          Check:
            Type: AWS::Serverless::Function
            Metadata: {DockerBuildArgs: {FUNCTION: check}}
        """

    static func respond(_ lambda: StubLambda, authorization: String? = "Bearer t") throws -> HTTPResponse {
        let gateway = APIGatewayEmulator(template: try SAMTemplate(YAMLReader.read(template)), lambda: lambda, host: "127.0.0.1:3000",
                                         region: "eu-west-1", timekeeper: .manual(), runnerLog: .silent)
        var parser = HTTPRequestParser()
        parser.append(Array("GET /me HTTP/1.1\r\nHost: t\r\n\(authorization.map { "Authorization: \($0)\r\n" } ?? "")\r\n".utf8))
        return gateway.respond(to: try #require(try parser.next()))
    }

    static func allow(context: String = "{}") -> InvocationResult {
        .response(Array(#"{"isAuthorized":true,"context":\#(context)}"#.utf8))
    }

    @Test func aRouteWhoseFunctionCannotRunAnswers502BeforeItsAuthorizerRuns() throws {
        let lambda = StubLambda(unrunnable: ["Route"], answers: ["Check": Self.allow()])
        #expect(try Self.respond(lambda).status == 502)
        #expect(lambda.calls.isEmpty, "the authorizer ran for a route that could not: \(lambda.calls.map(\.function))")
    }

    @Test func anAuthorizerThatCannotRunAnswers500AndTheRouteDoesNotRun() throws {
        let lambda = StubLambda(unrunnable: ["Check"], answers: ["Route": .response(Array(#"{"statusCode":200}"#.utf8))])
        let response = try Self.respond(lambda)
        #expect(response.status == 500)
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"message":"Internal Server Error"}"#)
        #expect(lambda.calls.isEmpty)
    }

    @Test func aMissingIdentityAnswers401AndCallsNothing() throws {
        let lambda = StubLambda(answers: ["Check": Self.allow()])
        #expect(try Self.respond(lambda, authorization: nil).status == 401)
        #expect(lambda.calls.isEmpty)
    }

    @Test func aDenialAnswers403AndTheRouteDoesNotRun() throws {
        let lambda = StubLambda(answers: ["Check": .response(Array(#"{"isAuthorized":false}"#.utf8))])
        #expect(try Self.respond(lambda).status == 403)
        #expect(lambda.calls.map(\.function) == ["Check"])
    }

    @Test func anAllowHandsItsContextToTheRouteWhoseAnswerIsTheResponse() throws {
        let lambda = StubLambda(answers: ["Check": Self.allow(context: #"{"user":"u1"}"#),
                                          "Route": .response(Array(#"{"statusCode":201,"body":"made"}"#.utf8))])
        let response = try Self.respond(lambda)
        #expect(response.status == 201)
        #expect(String(decoding: response.body, as: UTF8.self) == "made")
        let calls = lambda.calls
        #expect(calls.map(\.function) == ["Check", "Route"])
        let context = calls.last?.event?.objectValue?["requestContext"]?.objectValue?["authorizer"]?.objectValue?["lambda"]?.objectValue
        #expect(context?["user"] == .string("u1"))
        // The region given, not us-east-1, in what the authorizer is told of the route.
        #expect(calls.first?.event?.objectValue?["routeArn"]?.stringValue?.hasPrefix("arn:aws:execute-api:eu-west-1:") == true)
    }
}
