import RaidHubLambda
import Testing

@Suite struct RuntimeLoopTests {
    @Test func answersEachInvocationThenStopsWhenTheRuntimeAPIFails() {
        let client = ScriptedRuntimeAPIClient([
            ScriptedRuntimeAPIClient.invocation("a", #"{"n":1}"#),
            ScriptedRuntimeAPIClient.invocation("b", #"{"n":2}"#),
        ])
        let logs = LogLines()
        let traceIds = LogLines()
        let stop = RuntimeLoop(client: client, handler: EchoHandler(), log: logs.log()) { traceIds.append($0 ?? "-") }.run()
        #expect(stop == .environmentBroken)
        #expect(client.calls == [.response(requestId: "a", payload: #"{"n":1}"#), .response(requestId: "b", payload: #"{"n":2}"#)])
        #expect(traceIds.all == Array(repeating: "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1", count: 2))
        #expect(logs.all.filter { $0.contains(#""status":200"#) }.count == 2)
        #expect(logs.all.first?.hasPrefix(#"{"level":"info","function":"test","requestId":"a","status":200,"durationUs":"#) == true)
        #expect(logs.all.last?.contains("stopping") == true)
    }

    @Test func reportsAHandlerErrorAndKeepsServing() {
        let client = ScriptedRuntimeAPIClient([
            ScriptedRuntimeAPIClient.invocation("a", "fail"),
            ScriptedRuntimeAPIClient.invocation("b", "{}"),
        ])
        let logs = LogLines()
        _ = RuntimeLoop(client: client, handler: EchoHandler(), log: logs.log()).run()
        #expect(client.calls == [.error(requestId: "a", type: "InvalidEvent"), .response(requestId: "b", payload: "{}")])
        #expect(logs.all.first?.contains(#""level":"error""#) == true)
        #expect(logs.all.first?.contains(#""errorType":"InvalidEvent""#) == true)
    }

    @Test func reportsMissingHeadersAndKeepsServing() {
        let noDeadline: [String: String] = [RuntimeAPI.Header.requestId: "a", RuntimeAPI.Header.invokedFunctionARN: "arn"]
        let badDeadline: [String: String] = [RuntimeAPI.Header.requestId: "b", RuntimeAPI.Header.deadline: "soon",
                                             RuntimeAPI.Header.invokedFunctionARN: "arn"]
        let client = ScriptedRuntimeAPIClient([
            .success(Invocation.read(event: []) { _ in nil }),
            .success(Invocation.read(event: []) { noDeadline[$0] }),
            .success(Invocation.read(event: []) { badDeadline[$0] }),
            ScriptedRuntimeAPIClient.invocation("c", "{}"),
        ])
        let logs = LogLines()
        #expect(RuntimeLoop(client: client, handler: EchoHandler(), log: logs.log()).run() == .environmentBroken)
        #expect(client.calls == [
            .error(requestId: "a", type: "InvalidInvocation"),
            .error(requestId: "b", type: "InvalidInvocation"),
            .response(requestId: "c", payload: "{}"),
        ])
        #expect(logs.all.first?.contains("cannot be answered") == true)
    }

    @Test func continuesWhenOneCallIsRefusedButStopsOnA500() {
        let refused = ScriptedRuntimeAPIClient(
            [ScriptedRuntimeAPIClient.invocation("a", "{}"), ScriptedRuntimeAPIClient.invocation("b", "{}")],
            refusedResponses: ["a": 400])
        _ = RuntimeLoop(client: refused, handler: EchoHandler(), log: LogLines().log()).run()
        #expect(refused.calls == [.response(requestId: "b", payload: "{}")])

        let broken = ScriptedRuntimeAPIClient(
            [ScriptedRuntimeAPIClient.invocation("a", "{}"), ScriptedRuntimeAPIClient.invocation("b", "{}")],
            refusedResponses: ["a": 500])
        #expect(RuntimeLoop(client: broken, handler: EchoHandler(), log: LogLines().log()).run() == .environmentBroken)
        #expect(broken.calls.isEmpty, "nothing after the 500: the process exits")
    }

    /// A refused `/next` (403 when another process holds the instance's Runtime API) ends the
    /// loop: asked again at once, it would be refused forever.
    @Test func stopsWhenNextIsRefused() {
        let client = ScriptedRuntimeAPIClient([.failure(.unexpectedStatus(403)), ScriptedRuntimeAPIClient.invocation("a", "{}")])
        let logs = LogLines()
        #expect(RuntimeLoop(client: client, handler: EchoHandler(), log: logs.log()).run() == .unexpectedStatus(403))
        #expect(client.calls.isEmpty, "no second /next")
        #expect(logs.all.last?.contains("stopping: the Runtime API answered 403") == true)
    }

    @Test func stopsWhenTheRuntimeAPIIsUnreachable() {
        let client = ScriptedRuntimeAPIClient([.failure(.transport("connection refused"))])
        #expect(RuntimeLoop(client: client, handler: EchoHandler(), log: LogLines().log()).run() == .transport("connection refused"))
    }

    @Test func reportsAResponseOverSixMegabytesAsAnError() {
        struct HugeHandler: LambdaHandler {
            func handle(_ event: [UInt8], context: InvocationContext) throws(FunctionError) -> InvocationOutput {
                InvocationOutput(payload: [UInt8](repeating: 0x20, count: RuntimeAPI.maximumResponseByteCount + 1), outcome: .http(status: 200, errorCode: nil))
            }
        }
        let client = ScriptedRuntimeAPIClient([ScriptedRuntimeAPIClient.invocation("a", "{}")])
        _ = RuntimeLoop(client: client, handler: HugeHandler(), log: LogLines().log()).run()
        #expect(client.calls == [.error(requestId: "a", type: "ResponseTooLarge")])
    }
}
