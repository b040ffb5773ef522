import Foundation
@testable import RaidHubTemplate
import RaidHubTestSupport
import RaidHubYAML
import Testing

/// Twenty-one SAM templates written the way public ones are (Tests/Fixtures/templates): Globals,
/// both forms of every intrinsic, multi-line strings, flow collections, comments, REST and HTTP
/// APIs. Each is read to exactly the routes SAM would deploy, or refused with a message naming
/// the file and the reason; none is misread in silence. (YAMLReaderTests reads the same files
/// against PyYAML, and with CRLF and CR line endings.)
@Suite struct TemplateCorpusTests {
    static let folder = DevelopmentEnvironment.root.appendingPathComponent("Tests/Fixtures/templates")

    /// What each template holds: its functions and "METHOD path -> Function [authorizer]" per
    /// route, or the words its refusal must contain.
    static let expected: [String: Result<(functions: Int, routes: [String]), Refusal>] = [
        "01-http-api-crud.yaml": .success((4, ["DELETE /items/{id} -> DeleteItem", "GET /items -> ListItems", "GET /items/{id} -> GetItem", "PUT /items/{id} -> PutItem"])),
        "02-http-api-lambda-authorizer.yaml": .success((2, ["GET /health -> OrdersFunction", "GET /orders -> OrdersFunction [AuthorizerFunction]"])),
        "03-authorizer-getatt-list.yaml": .success((2, ["GET /me -> Profile [Authorizer]"])),
        "04-authorizer-long-form.yaml": .success((2, ["GET /reports/{day} -> Reports [Authorizer]"])),
        "05-authorizer-sub.yaml": .success((3, ["GET /accounts -> Accounts [AdminAuthorizer]", "GET /accounts/me -> Accounts [Authorizer]"])),
        "06-globals-httpapi.yaml": .success((2, ["GET /notes -> Notes [TokenAuthorizer]", "GET /ping -> Notes", "POST /notes -> Notes [TokenAuthorizer]"])),
        "07-default-route.yaml": .success((2, ["ANY $default -> Site", "GET /health -> Health"])),
        "08-rest-api.yaml": .success((2, ["ANY /{proxy+} -> Implicit (1.0)", "GET /hello -> Hello (1.0)", "POST /hello/{name} -> Hello (1.0)"])),
        "09-rest-api-authorizer.yaml": .failure(Refusal(":23:9: Secret's event Get is guarded by the REST API authorizer 'Token'")),
        "10-jwt-authorizer.yaml": .failure(Refusal(":18:13: Api's authorizer Cognito is a JWT authorizer")),
        "11-step-functions.yaml": .success((2, [])),
        "12-sqs-worker.yaml": .success((1, [])),
        "13-multiline-strings.yaml": .success((1, ["POST /render -> Renderer"])),
        "14-commented.yaml": .success((1, ["POST /webhook -> Receiver"])),
        "15-scheduled-jobs.yaml": .success((2, [])),
        "16-eventbridge.yaml": .success((1, [])),
        "17-parameters-mappings.yaml": .success((1, ["GET / -> Handler"])),
        "18-container-image-functions.yaml": .success((2, ["GET /images/{key+} -> Metadata", "POST /thumbnails -> Thumbnail"])),
        "19-cors-true.yaml": .success((1, ["ANY /echo -> Echo"])),
        "20-function-url-layers.yaml": .success((1, [])),
        "21-globals-api-and-function.yaml": .success((2, ["GET /pay/{id} -> Payments", "POST /pay -> Payments [KeyChecker]"])),
        "22-authorizer-without-permission.yaml": .success((2, ["GET /open -> Protected", "GET /protected -> Protected [Authorizer]"])),
        "23-authorizer-default-permissions.yaml": .success((3, ["GET /keyed -> Protected [KeyChecker]", "GET /protected -> Protected [Authorizer]"])),
        "24-cors-wildcard-with-credentials.yaml": .failure(Refusal(":10:7: Api's CorsConfiguration allows any origin ('*') with AllowCredentials: true")),
        "25-language-extensions-foreach.yaml": .success((1, ["GET /health -> Health"])),
        "26-authorizer-permissions.yaml": .success((9, ["GET /hello -> Hello [Joined]"])),
        "27-conditions-globals-and-apis.yaml": .success((1, ["GET /internal -> Main (1.0)", "GET /public -> Main", "GET /rest -> Main (1.0)"])),
    ]

    struct Refusal: Error {
        let words: String
        init(_ words: String) { self.words = words }
    }

    static func summary(_ template: SAMTemplate) -> [String] {
        template.routes.map { route in
            "\(route.method) \(route.path) -> \(route.functionId)" + (route.authorizer.map { " [\($0.functionId)]" } ?? "") + (route.payloadVersion2 ? "" : " (1.0)")
        }.sorted()
    }

    @Test func theCorpusHasEveryTemplateListed() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter { $0.hasSuffix(".yaml") }
        #expect(files.count >= 25)
        #expect(Set(files) == Set(Self.expected.keys))
    }

    @Test(arguments: expected.keys.sorted())
    func readsOrRefusesClearly(file: String) throws {
        let url = Self.folder.appendingPathComponent(file)
        switch Self.expected[file]! {
        case .success(let (functions, routes)):
            let template = try SAMTemplate.load(url)
            #expect(template.functions.count == functions)
            #expect(Self.summary(template) == routes)
        case .failure(let refusal):
            #expect {
                _ = try SAMTemplate.load(url)
            } throws: { error in
                let message = String(describing: error)
                return message.hasPrefix(url.path + ":") && message.contains(refusal.words)
            }
        }
    }

    /// Globals reach each function and API as SAM merges them: scalars the function's own, maps
    /// merged key by key, the HTTP API's authorizers and CORS.
    @Test func mergesGlobalsAsSAMDoes() throws {
        let notes = try SAMTemplate.load(Self.folder.appendingPathComponent("06-globals-httpapi.yaml"))
        let function = try #require(notes.function(named: "Notes"))
        #expect(function.timeoutSeconds == 12)
        #expect(function.environment == ["STAGE": "dev", "SHARED": "from-function", "TABLE": "notes"])
        #expect(notes.corsConfigurations["ServerlessHttpApi"]?.allowOrigins == ["http://localhost:5173"])
        #expect(notes.corsConfigurations["ServerlessHttpApi"]?.maxAge == 600)
        let payments = try SAMTemplate.load(Self.folder.appendingPathComponent("21-globals-api-and-function.yaml"))
        let pay = try #require(payments.function(named: "Payments"))
        #expect((pay.timeoutSeconds, pay.memoryMB, pay.reservedConcurrency) == (20, 512, 3))
        #expect(pay.environment == ["REGION_NAME": "eu-west-1", "FEATURE_FLAG": "on"])
        #expect(pay.loggingVariables == ["AWS_LAMBDA_LOG_FORMAT": "JSON", "AWS_LAMBDA_LOG_LEVEL": "WARN"])
        #expect(payments.function(named: "KeyChecker")?.reservedConcurrency == 10)
        #expect(try SAMTemplate.load(Self.folder.appendingPathComponent("13-multiline-strings.yaml")).routes.first?.integrationTimeoutMilliseconds == 29_000)
    }

    /// What the runner reads but cannot run as AWS would is said at start, once each: an
    /// authorizer API Gateway may not invoke (and with which property it may), functions made by
    /// Fn::ForEach, Zip functions, a REST API's CORS. Nothing is said where all is as on AWS.
    @Test func saysAtStartWhatItCannotRunAsAWSWould() throws {
        let notices = { (file: String) in try SAMTemplate.load(Self.folder.appendingPathComponent(file)).notices }
        let unpermitted = try notices("22-authorizer-without-permission.yaml")
        #expect(unpermitted.count == 1)
        #expect(unpermitted.first?.contains("Api's authorizer Token: API Gateway has no permission to invoke Authorizer") == true)
        #expect(unpermitted.first?.contains("EnableFunctionDefaultPermissions: true") == true)
        #expect(try notices("23-authorizer-default-permissions.yaml") == [])
        #expect(try notices("02-http-api-lambda-authorizer.yaml") == [], "a FunctionInvokeRole lets API Gateway invoke it")
        #expect(try notices("25-language-extensions-foreach.yaml") == [
            "the template uses the AWS::LanguageExtensions transform, which local-runner does not apply: what its Fn::ForEach loops make is not "
                + "served, and Fn::Length, Fn::ToJsonString and Fn::FindInMap defaults are not evaluated",
        ])
        #expect(try notices("12-sqs-worker.yaml").allSatisfy { $0.contains("Zip function") })
        #expect(try notices("08-rest-api.yaml").contains { $0.contains("RestApi's Cors (a REST API's CORS) is not emulated") })
        #expect(try SAMTemplate.load(DevelopmentEnvironment.root.appendingPathComponent("template.yaml")).notices == [])
    }

    /// The authorizer permission as SAM grants it: EnableFunctionDefaultPermissions, a
    /// FunctionInvokeRole (not NONE), or a permission of the template's own for API Gateway.
    @Test func readsWhetherAPIGatewayMayInvokeEachAuthorizer() throws {
        let permitted = try SAMTemplate.load(Self.folder.appendingPathComponent("23-authorizer-default-permissions.yaml"))
        #expect(permitted.authorizers.map { "\($0.name) \($0.apiGatewayMayInvoke)" } == ["Keys true", "Token true"])
        let project = try SAMTemplate.load(DevelopmentEnvironment.root.appendingPathComponent("template.yaml"))
        #expect(project.authorizers.map(\.apiGatewayMayInvoke) == [true])
        let none = try SAMTemplate(YAMLReader.read("""
            Resources:
              Api:
                Type: AWS::Serverless::HttpApi
                Properties:
                  Auth:
                    Authorizers:
                      T: {FunctionArn: !GetAtt A.Arn, FunctionInvokeRole: NONE, AuthorizerPayloadFormatVersion: '2.0', EnableSimpleResponses: true}
              A:
                Type: AWS::Serverless::Function
            """))
        #expect(none.authorizers.first?.apiGatewayMayInvoke == false, "FunctionInvokeRole NONE is no role")
        // Permissions written by hand, weighed as API Gateway weighs them (and SAM's translator agrees).
        let handWritten = try SAMTemplate.load(Self.folder.appendingPathComponent("26-authorizer-permissions.yaml"))
        #expect(handWritten.authorizers.filter(\.apiGatewayMayInvoke).map(\.name) == ["Defaults", "Joined", "Named", "Variables"])
        let prod = try SAMTemplate.load(Self.folder.appendingPathComponent("26-authorizer-permissions.yaml"), parameterOverrides: ["Stage": "prod"])
        #expect(prod.authorizers.first { $0.name == "NoRole" }?.apiGatewayMayInvoke == true, "its permission's Condition holds in prod")
        // A `${...}` (no name before its first dot) in a permission's SourceArn trapped the
        // reader (found by the template-reading fuzz target); it is a value only a deploy knows.
        let text = try String(contentsOf: Self.folder.appendingPathComponent("26-authorizer-permissions.yaml"), encoding: .utf8)
        let dotted = text.replacingOccurrences(of: "${Api}/authorizers", with: "${...}/authorizers")
        #expect(dotted != text)
        let read = try SAMTemplate(YAMLReader.read(dotted))
        #expect(read.authorizers.map(\.name) == handWritten.authorizers.map(\.name))
        #expect(read.authorizers.first { $0.name == "Joined" }?.apiGatewayMayInvoke == false, "its only permission names no API")
    }

    /// Conditions decide which resources exist; long-form intrinsics are one value to Globals;
    /// a value only a deploy knows stays unknown; each HTTP API keeps its own CORS.
    @Test func readsConditionsGlobalsAndSeveralAPIsAsSAMDoes() throws {
        let url = Self.folder.appendingPathComponent("27-conditions-globals-and-apis.yaml")
        let dev = try SAMTemplate.load(url)
        let main = try #require(dev.function(named: "Main"))
        #expect((main.timeoutSeconds, main.memoryMB) == (512, 1024))
        #expect(main.environment == ["SHARED": "from-globals", "STAGE": "dev-main", "TABLE": ""])
        #expect(main.unresolvedVariables == ["TABLE"], "an SSM parameter's value is read at deploy")
        #expect(dev.function(named: "ProdOnly") == nil)
        #expect(Set(dev.corsConfigurations.keys) == ["Public"])
        #expect(dev.routes.first { $0.path == "/internal" }.map { ($0.payloadVersion2, $0.isHTTPAPI, $0.integrationTimeoutMilliseconds) } ?? (true, false, 0) == (false, true, 30_000))
        #expect(dev.notices == ["ServerlessRestApi's Cors (a REST API's CORS) is not emulated: its preflight OPTIONS requests reach the routes, which on AWS API Gateway answers itself"])
        let prod = try SAMTemplate.load(url, parameterOverrides: ["Stage": "prod"])
        #expect(prod.function(named: "ProdOnly") != nil)
        #expect(prod.routes.contains { $0.path == "/prod" })
    }

    /// What cannot be resolved stops the runner with the file, line and column or the reason.
    @Test(arguments: [
        ("Resources:\n  A: [1, 2\n", ":2:6: unclosed flow collection"),
        ("Resources:\n  Api:\n    Type: AWS::Serverless::HttpApi\n    Properties:\n      Auth:\n        Authorizers:\n          L: {FunctionArn: arn:aws:lambda:us-east-1:1:function:elsewhere}\n",
         ":7:15: Api's authorizer L: FunctionArn does not name a function of the template"),
        ("Resources:\n  Api:\n    Type: AWS::Serverless::HttpApi\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        E: {Type: HttpApi, Properties: {ApiId: !Ref Api, Path: /x, Method: GET, Auth: {Authorizer: Typo}}}\n",
         ":8:88: F's event E uses authorizer 'Typo', which Api does not define"),
        ("Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        E: {Type: HttpApi, Properties: {ApiId: !Ref Nope, Path: /x, Method: GET}}\n",
         ":6:41: F's event E names an ApiId that is not an AWS::Serverless::HttpApi of the template"),
        ("Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        E: {Type: HttpApi, Properties: {Path: /x, Method: GET, TimeoutInMillis: 0}}\n",
         ":6:64: F's event E: TimeoutInMillis must be 50 to 30000, not '0'"),
        ("Resources:\n  Api:\n    Type: AWS::Serverless::HttpApi\n    Properties:\n      Auth:\n        Authorizers:\n          L: {FunctionArn: !GetAtt F.Arn}\n  F:\n    Type: AWS::Serverless::Function\n",
         ":7:11: Api's authorizer L must define 'AuthorizerPayloadFormatVersion'"),
        ("Resources:\n  Api:\n    Type: AWS::Serverless::HttpApi\n    Properties:\n      Auth:\n        Authorizers:\n          L: {FunctionArn: !GetAtt F.Arn, AuthorizerPayloadFormatVersion: '1.0'}\n  F:\n    Type: AWS::Serverless::Function\n",
         ":7:11: Api's authorizer L answers with IAM policies (AuthorizerPayloadFormatVersion 1.0, no EnableSimpleResponses: true)"),
        ("Parameters:\n  P: {Type: String, Default: x}\nConditions:\n  C: !Equals [!Ref P, x]\nResources:\n  Api:\n    Type: AWS::Serverless::HttpApi\n    Properties:\n      CorsConfiguration:\n        AllowOrigins: !If [C, [a], [b]]\n",
         "Api's CorsConfiguration.AllowOrigins is an intrinsic function, which SAM takes for the whole CorsConfiguration"),
        ("Conditions:\n  A: !Not [!Condition B]\n  B: {Condition: A}\nResources: {}\n", ":2:3: Conditions A -> B -> A refer to each other in a circle"),
        ("Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Timeout: 9223372036854776\n", ":5:7: F's Timeout must be 1 to 900, not '9223372036854776'"),
        ("Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        E: {Type: HttpApi, Properties: {Path: !Sub '/${AWS::Region}', Method: GET}}\n",
         "F's event E: Path must be written out as a string"),
        ("Resources:\n  Api:\n    Type: AWS::Serverless::HttpApi\n    Properties:\n      Auth:\n        EnableIamAuthorizer: true\n        DefaultAuthorizer: AWS_IAM\n",
         "Api uses IAM authorization, which local-runner does not emulate"),
        ("Resources:\n  P:\n    Type: AWS::Lambda::Permission\n    Properties: {FunctionName: !Sub '${}', Principal: apigateway.amazonaws.com}\n  Api:\n    Type: AWS::Serverless::HttpApi\n    Properties:\n      Auth:\n        Authorizers:\n          L: {FunctionArn: !Sub '${}'}\n",
         "Api's authorizer L: FunctionArn does not name a function of the template"),
    ])
    func refusesWhatItCannotResolve(text: String, words: String) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).yaml")
        try Data(text.utf8).write(to: url)
        #expect {
            _ = try SAMTemplate.load(url)
        } throws: { error in
            String(describing: error).hasPrefix(url.path) && String(describing: error).contains(words)
        }
    }
}
