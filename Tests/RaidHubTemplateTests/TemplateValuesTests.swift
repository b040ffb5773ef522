@testable import RaidHubTemplate
import RaidHubYAML
import Testing

/// Intrinsic functions evaluated as CloudFormation evaluates them, through what the runner reads
/// (a function's variables and memory): what only a deploy knows stays unknown, never a guess.
/// scripts/compare-template-reading.py checks the same against SAM CLI's own resolver.
@Suite struct TemplateValuesTests {
    static let template = """
        Parameters:
          Stage: {Type: String, Default: dev}
          Hosts: {Type: CommaDelimitedList, Default: "a.example, b.example"}
          Secret: {Type: String, NoEcho: true}
        Mappings:
          Sizes: {dev: {Memory: 256}, prod: {Memory: 1024}}
        Conditions:
          IsProd: !Equals [!Ref Stage, prod]
          NotProd: !Not [!Condition IsProd]
          Either: {"Fn::Or": [{Condition: IsProd}, !Equals [!Ref Stage, qa]]}
        Resources:
          Table: {Type: AWS::DynamoDB::Table}
          OnlyInProd:
            Type: AWS::Serverless::Function
            Condition: IsProd
            Metadata: {DockerBuildArgs: {FUNCTION: f}}
          F:
            Type: AWS::Serverless::Function
            Properties:
              MemorySize: !FindInMap [Sizes, !Ref Stage, Memory]
              Timeout: {"Fn::If": [IsProd, 10, 3]}
              Environment:
                Variables:
                  SUB: !Sub '${Stage}-${AWS::Region}-${!Literal}'
                  SUB_VARIABLES: !Sub ['${Prefix}/${Stage}', {Prefix: !Select [1, !Ref Hosts]}]
                  JOINED: !Join [',', !Ref Hosts]
                  SPLIT: !Select [0, !Split ['-', 'x-y']]
                  LONG_FORM: {"Fn::Join": ['', [{"Ref": "Stage"}, "!"]]}
                  IF_NOT: !If [NotProd, staging, live]
                  EITHER: !If [Either, yes, no]
                  DROPPED: !If [IsProd, here, !Ref AWS::NoValue]
                  TABLE: !Ref Table
                  ARN: !GetAtt Table.Arn
                  SUB_RESOURCE: !Sub '${Table}'
                  IMPORTED: !ImportValue shared
                  RESOLVED: '{{resolve:ssm:/a}}'
                  NO_VALUE: !Ref Secret
            Metadata: {DockerBuildArgs: {FUNCTION: f}}
        """

    @Test func evaluatesWhatCloudFormationWouldBeforeADeploy() throws {
        let template = try SAMTemplate(YAMLReader.read(Self.template), region: "eu-west-1")
        let function = try #require(template.function(named: "F"))
        #expect(template.functions.map(\.logicalId) == ["F"], "a resource whose Condition is false is not deployed")
        #expect(function.memoryMB == 256)
        #expect(function.timeoutSeconds == 3)
        #expect(function.environment["SUB"] == "dev-eu-west-1-${Literal}")
        #expect(function.environment["SUB_VARIABLES"] == "b.example/dev")
        #expect(function.environment["JOINED"] == "a.example,b.example")
        #expect(function.environment["SPLIT"] == "x")
        #expect(function.environment["LONG_FORM"] == "dev!")
        #expect(function.environment["IF_NOT"] == "staging")
        #expect(function.environment["EITHER"] == "no")
        #expect(function.environment["DROPPED"] == nil, "AWS::NoValue removes the variable")
        #expect(function.unresolvedVariables == ["TABLE", "ARN", "SUB_RESOURCE", "IMPORTED", "RESOLVED", "NO_VALUE"])
        #expect(function.unresolvedVariables.allSatisfy { function.environment[$0] == "" })
    }

    @Test func followsOverridesThroughConditions() throws {
        let template = try SAMTemplate(YAMLReader.read(Self.template), parameterOverrides: ["Stage": "prod", "Secret": "s"])
        let function = try #require(template.function(named: "F"))
        #expect(template.functions.map(\.logicalId) == ["OnlyInProd", "F"])
        #expect((function.memoryMB, function.timeoutSeconds) == (1024, 10))
        #expect(function.environment["IF_NOT"] == "live")
        #expect(function.environment["EITHER"] == "yes")
        #expect(function.environment["DROPPED"] == "here")
        #expect(function.environment["NO_VALUE"] == "s")
        #expect(function.environment["SUB"] == "prod-us-east-1-${Literal}")
    }
}
