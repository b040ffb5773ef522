import Foundation
import RaidHubLambda
import RaidHubTime
import Testing

/// Log lines in each of Lambda's formats and levels.
@Suite struct InvocationLogTests {
    func lines(_ settings: LogSettings, _ write: (InvocationLog) -> Void) -> [String] {
        let lines = LogLines()
        write(InvocationLog(functionName: "authorize-user", settings: settings, clock: FixedWallClock(UnixTime(milliseconds: 1_709_508_600_042))) { lines.append($0) })
        return lines.all
    }

    func everyKind(_ log: InvocationLog) {
        log.invocation(requestId: "r-1", outcome: .http(status: 403, errorCode: "InvalidClientSecretError", details: ["bungieMs": "12"]), durationMicroseconds: 41)
        log.invocation(requestId: "r-2", outcome: .authorization(allowed: false, reason: "expired token"), durationMicroseconds: 7)
        log.failure(requestId: "r-3", FunctionError(.invalidEvent, "the event is not JSON"), durationMicroseconds: 3)
        log.event(.warn, "the Runtime API answered 400; continuing with the next event")
    }

    @Test func textKeepsTheFunctionsReadableLines() {
        #expect(lines(LogSettings(), everyKind) == [
            #"{"level":"info","function":"authorize-user","requestId":"r-1","status":403,"errorCode":"InvalidClientSecretError","bungieMs":"12","durationUs":41}"#,
            #"{"level":"info","function":"authorize-user","requestId":"r-2","decision":"deny","reason":"expired token","durationUs":7}"#,
            #"{"level":"error","function":"authorize-user","requestId":"r-3","message":"the event is not JSON","errorType":"InvalidEvent","durationUs":3}"#,
            #"{"level":"warn","function":"authorize-user","message":"the Runtime API answered 400; continuing with the next event"}"#,
        ])
    }

    @Test func jsonLeadsWithLambdasKeys() {
        #expect(lines(LogSettings(format: .json), everyKind) == [
            #"{"timestamp":"2024-03-03T23:30:00.042Z","level":"INFO","requestId":"r-1","message":"status 403 InvalidClientSecretError","function":"authorize-user","status":403,"errorCode":"InvalidClientSecretError","bungieMs":"12","durationUs":41}"#,
            #"{"timestamp":"2024-03-03T23:30:00.042Z","level":"INFO","requestId":"r-2","message":"deny: expired token","function":"authorize-user","decision":"deny","reason":"expired token","durationUs":7}"#,
            #"{"timestamp":"2024-03-03T23:30:00.042Z","level":"ERROR","requestId":"r-3","message":"the event is not JSON","function":"authorize-user","errorType":"InvalidEvent","durationUs":3}"#,
            #"{"timestamp":"2024-03-03T23:30:00.042Z","level":"WARN","message":"the Runtime API answered 400; continuing with the next event","function":"authorize-user"}"#,
        ])
    }

    @Test func dropsLinesBelowTheLevel() {
        #expect(lines(LogSettings(minimumLevel: .warn), everyKind).map { $0.prefix(16) } == [#"{"level":"error""#, #"{"level":"warn","#])
        #expect(lines(LogSettings(minimumLevel: .error), everyKind).count == 1)
        #expect(lines(LogSettings(minimumLevel: .fatal), everyKind).isEmpty)
        #expect(lines(LogSettings(minimumLevel: .trace), everyKind).count == 4)
    }

    @Test func readsLambdasVariables() {
        #expect(LogSettings(environment: [:]) == LogSettings(format: .text, minimumLevel: .info))
        #expect(LogSettings(environment: ["AWS_LAMBDA_LOG_FORMAT": "JSON", "AWS_LAMBDA_LOG_LEVEL": "DEBUG"]) == LogSettings(format: .json, minimumLevel: .debug))
        #expect(LogSettings(environment: ["AWS_LAMBDA_LOG_FORMAT": "Text", "AWS_LAMBDA_LOG_LEVEL": "warn"]) == LogSettings(format: .text, minimumLevel: .warn))
        #expect(LogSettings(environment: ["AWS_LAMBDA_LOG_FORMAT": "XML", "AWS_LAMBDA_LOG_LEVEL": "LOUD"]) == LogSettings(), "unknown values fall back to Lambda's defaults")
        #expect(LogSettings.Level.allCases.map(\.name) == ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"])
    }
}
