import RaidHubLambda
import Testing

/// The process around the loop: a configuration it cannot use is an init error, then exit 1.
@Suite struct FunctionProcessLoopTests {
    struct MissingVariable: Error, CustomStringConvertible {
        var description: String { "JWT_SECRET is not set" }
    }

    @Test func reportsAnInitErrorAndExitsNonZero() {
        let process = FunctionProcess(name: "test", summary: "", variables: []) { _ in throw MissingVariable() }
        let client = ScriptedRuntimeAPIClient([ScriptedRuntimeAPIClient.invocation("a", "{}")])
        let logs = LogLines()
        #expect(process.serveRuntimeAPI(client: client, environment: [:], log: logs.log()) == 1)
        #expect(client.calls == [.initError(type: "InvalidConfiguration")])
        #expect(logs.all.first?.contains("JWT_SECRET is not set") == true)
    }

    @Test func servesUntilTheRuntimeAPIFailsThenExitsNonZero() {
        let process = FunctionProcess(name: "test", summary: "", variables: []) { _ in EchoHandler() }
        let client = ScriptedRuntimeAPIClient([ScriptedRuntimeAPIClient.invocation("a", "{}")])
        #expect(process.serveRuntimeAPI(client: client, environment: [:], log: LogLines().log()) == 1)
        #expect(client.calls == [.response(requestId: "a", payload: "{}")])
    }
}
