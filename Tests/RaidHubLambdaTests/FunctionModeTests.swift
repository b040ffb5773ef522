@testable import RaidHubLambda
import Testing

@Suite struct FunctionModeTests {
    @Test(arguments: [
        ([String](), [String: String](), FunctionMode.singleEvent(path: nil)),
        ([], ["AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001"], .runtimeAPI("127.0.0.1:9001")),
        (["handler"], ["AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001"], .runtimeAPI("127.0.0.1:9001")),
        (["--event", "e.json"], ["AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001"], .singleEvent(path: "e.json")),
        (["--event", "-"], [:], .singleEvent(path: nil)),
        (["--help"], [:], .help),
    ])
    func choosesTheModeFromArgumentsAndEnvironment(arguments: [String], environment: [String: String], mode: FunctionMode) throws {
        #expect(try FunctionMode.parse(arguments: arguments, environment: environment).get() == mode)
    }

    @Test(arguments: [["handler"], ["--evnt", "x"], ["--event"], ["--help", "extra"]])
    func refusesWhatItDoesNotKnow(arguments: [String]) {
        #expect(throws: FunctionMode.UsageError.self) { try FunctionMode.parse(arguments: arguments, environment: [:]).get() }
    }
}
