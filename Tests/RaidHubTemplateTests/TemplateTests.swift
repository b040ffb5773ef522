import Foundation
import RaidHubBungie
import RaidHubFunctions
@testable import RaidHubLambdaEmulator
@testable import RaidHubTemplate
import RaidHubTestSupport
import RaidHubYAML
import Testing

/// The runner reads the project's own template, and it agrees with the functions that exist.
@Suite struct TemplateTests {
    @Test func readsTheProjectTemplateAndItMatchesTheFunctionsFolder() throws {
        let template = try SAMTemplate.load(DevelopmentEnvironment.root.appendingPathComponent("template.yaml"))
        let folders = try FileManager.default.contentsOfDirectory(atPath: DevelopmentEnvironment.root.appendingPathComponent("functions").path)
        #expect(Set(template.functions.map(\.executableName)) == Set(folders))
        #expect(template.routes.map { "\($0.method) \($0.path)" }.sorted() == ["GET /authorize/whoami", "GET /player/whoami", "POST /authorize/admin", "POST /authorize/bungie", "POST /authorize/user"])
        #expect(template.routes.first { $0.path == "/authorize/whoami" }?.authorizer?.functionId == "AuthorizerFunction")
        #expect(template.routes.filter { $0.path.hasPrefix("/authorize/") && $0.method == "POST" }.allSatisfy { $0.authorizer == nil })
        #expect(template.routes.allSatisfy { $0.integrationTimeoutMilliseconds == 30_000 }, "HTTP APIs' default integration timeout")
        let user = try #require(template.function(named: "authorize-user"))
        #expect(user.timeoutSeconds == 5)
        #expect(Set(user.environment.keys) == ["JWT_SECRET", "JWT_SECRET_PREVIOUS", "CLIENT_SECRET"])
        #expect(template.function(named: "authorizer")?.memoryMB == 128)
    }

    /// `LoggingConfig` reaches each function as the variables Lambda sets: Globals first, the
    /// function's own keys over them, the level only with the JSON format.
    @Test func passesTheTemplatesLoggingConfigAsLambdasVariables() throws {
        let project = try SAMTemplate.load(DevelopmentEnvironment.root.appendingPathComponent("template.yaml"))
        #expect(project.function(named: "authorize-user")?.loggingVariables == ["AWS_LAMBDA_LOG_FORMAT": "JSON", "AWS_LAMBDA_LOG_LEVEL": "INFO"])
        let template = try SAMTemplate(YAMLReader.read("""
            Globals:
              Function:
                LoggingConfig:
                  LogFormat: JSON
                  ApplicationLogLevel: WARN
            Resources:
              Quiet:
                Type: AWS::Serverless::Function
                Properties:
                  LoggingConfig:
                    ApplicationLogLevel: ERROR
                Metadata:
                  DockerBuildArgs:
                    FUNCTION: quiet
              Plain:
                Type: AWS::Serverless::Function
                Properties:
                  LoggingConfig:
                    LogFormat: Text
                Metadata:
                  DockerBuildArgs:
                    FUNCTION: plain
              Inherits:
                Type: AWS::Serverless::Function
                Metadata:
                  DockerBuildArgs:
                    FUNCTION: inherits
            """))
        #expect(template.function(named: "Quiet")?.loggingVariables == ["AWS_LAMBDA_LOG_FORMAT": "JSON", "AWS_LAMBDA_LOG_LEVEL": "ERROR"])
        #expect(template.function(named: "Plain")?.loggingVariables == ["AWS_LAMBDA_LOG_FORMAT": "Text"])
        #expect(template.function(named: "Inherits")?.loggingVariables == ["AWS_LAMBDA_LOG_FORMAT": "JSON", "AWS_LAMBDA_LOG_LEVEL": "WARN"])
        let none = try SAMTemplate(YAMLReader.read("Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Metadata:\n      DockerBuildArgs:\n        FUNCTION: f\n"))
        #expect(none.functions.first?.loggingVariables == [:])
    }

    @Test func envFileOverridesDeclaredVariablesAndWarnsAboutOthers() throws {
        let template = try SAMTemplate.load(DevelopmentEnvironment.root.appendingPathComponent("template.yaml"))
        let file = EnvironmentFile(shared: ["JWT_SECRET": "shared", "UNDECLARED": "x"],
                                   perFunction: ["AuthorizeUserFunction": ["CLIENT_SECRET": "mine", "EXTRA": "y"]])
        let (environment, warnings) = file.environment(for: try #require(template.function(named: "AuthorizeUserFunction")))
        #expect(environment["JWT_SECRET"] == "shared")
        #expect(environment["CLIENT_SECRET"] == "mine")
        #expect(environment["UNDECLARED"] == nil)
        #expect(environment["EXTRA"] == nil)
        #expect(warnings == ["env file: AuthorizeUserFunction.EXTRA is not declared in the template's Environment.Variables; it is not passed to the function"])
    }

    /// Every variable the template gives a function is one that function reads, and every
    /// function that signs or verifies gets the signing keys.
    @Test func templateEnvironmentMatchesWhatEachFunctionReads() throws {
        let template = try SAMTemplate.load(DevelopmentEnvironment.root.appendingPathComponent("template.yaml"))
        let catalog = [FunctionCatalog.authorizeUser, FunctionCatalog.authorizeAdmin, FunctionCatalog.authorizer, FunctionCatalog.whoami,
                       BungieFunctionCatalog.authorizeBungie]
        #expect(Set(catalog.map(\.name)) == Set(template.functions.map(\.executableName)))
        for process in catalog {
            let function = try #require(template.function(named: process.name))
            let reads = Set(process.variables.map(\.name))
            #expect(Set(function.environment.keys).isSubset(of: reads), "\(process.name) is given variables it does not read")
            if reads.contains("JWT_SECRET") { #expect(function.environment.keys.contains("JWT_SECRET"), "\(process.name)") }
            #expect(function.timeoutSeconds <= (process.name == "authorize-bungie" ? 10 : 5), "\(process.name): a short timeout fails fast")
        }
    }

    @Test func saysWhichCommandBuildsAMissingExecutable() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("no-executables-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let template = try SAMTemplate.load(DevelopmentEnvironment.root.appendingPathComponent("template.yaml"))
        let runner = LambdaEmulator(template: template, environmentFile: EnvironmentFile(), executablesDirectory: empty, log: LambdaLog { _ in })
        #expect {
            _ = try runner.invoke("AuthorizerFunction", event: [])
        } throws: { error in
            "\(error)".hasSuffix("is missing: run `swift build --product authorizer`")
        }
    }
}
