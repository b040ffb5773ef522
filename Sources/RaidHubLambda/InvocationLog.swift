import RaidHubJSON
import RaidHubTime

/// Writes one line per invocation, and one per loop event, to a sink (stderr in a function),
/// in the format and from the level Lambda's logging controls ask for (`LogSettings`).
/// Lines carry ids, outcomes and timings only: never a secret, a token or a body.
public struct InvocationLog: Sendable {
    private let functionName: String
    private let settings: LogSettings
    private let clock: any WallClock
    private let sink: Sink

    /// Where lines go: a closure (tests), or straight to a file descriptor as bytes, the way a
    /// function writes every invocation's line, without making a `String` of it first.
    private enum Sink {
        case lines(@Sendable (String) -> Void)
        case descriptor(Int32)
    }

    /// A log for `functionName` that hands each line (without its newline) to `write`.
    public init(
        functionName: String, settings: LogSettings = LogSettings(), clock: any WallClock = SystemWallClock(),
        write: @escaping @Sendable (String) -> Void
    ) {
        self.init(functionName: functionName, settings: settings, clock: clock, sink: .lines(write))
    }

    private init(functionName: String, settings: LogSettings, clock: any WallClock, sink: Sink) {
        self.functionName = functionName
        self.settings = settings
        self.clock = clock
        self.sink = sink
    }

    /// A log that writes each line, newline-terminated, to `descriptor`.
    public static func writing(to descriptor: Int32, functionName: String, settings: LogSettings) -> InvocationLog {
        InvocationLog(functionName: functionName, settings: settings, clock: SystemWallClock(), sink: .descriptor(descriptor))
    }

    /// A log that writes to standard error, the function's log stream on Lambda.
    public static func standardError(functionName: String, settings: LogSettings) -> InvocationLog {
        writing(to: 2, functionName: functionName, settings: settings)
    }

    /// The line for one served invocation.
    public func invocation(requestId: String, outcome: InvocationOutcome, durationMicroseconds: Int64) {
        let message: String
        switch outcome {
        case .http(let status, let errorCode, _): message = "status \(status)" + (errorCode.map { " \($0)" } ?? "")
        case .authorization(let allowed, let reason): message = allowed ? "allow" : "deny" + (reason.map { ": \($0)" } ?? "")
        }
        line(.info, requestId: requestId, message: message) { writer in
            switch outcome {
            case .http(let status, let errorCode, let details):
                writer.key("status"); writer.integer(Int64(status))
                if let errorCode { writer.key("errorCode"); writer.string(errorCode) }
                for (key, value) in details.sorted(by: { $0.key < $1.key }) { writer.key(key); writer.string(value) }
            case .authorization(let allowed, let reason):
                writer.key("decision"); writer.string(allowed ? "allow" : "deny")
                if let reason { writer.key("reason"); writer.string(reason) }
            }
            writer.key("durationUs"); writer.integer(durationMicroseconds)
        }
    }

    /// The line for an invocation that failed, or a failure outside any invocation.
    public func failure(requestId: String?, _ error: FunctionError, durationMicroseconds: Int64? = nil) {
        line(.error, requestId: requestId, message: error.message) { writer in
            writer.key("errorType"); writer.string(error.code.rawValue)
            if let durationMicroseconds { writer.key("durationUs"); writer.integer(durationMicroseconds) }
        }
    }

    /// A line about the loop itself (the Runtime API failing, an event dropped).
    public func event(_ level: LogSettings.Level, _ message: String) {
        line(level, requestId: nil, message: message) { _ in }
    }

    /// Text keeps the field order the functions have always written (`level`, `function`,
    /// `requestId`, then the fields, the message among them); JSON leads with Lambda's keys.
    private func line(_ level: LogSettings.Level, requestId: String?, message: String, fields: (inout JSONWriter) -> Void) {
        guard level >= settings.minimumLevel else { return }
        var writer = JSONWriter()
        writer.openObject()
        switch settings.format {
        case .text:
            writer.key("level"); writer.string(level.name.lowercased())
            writer.key("function"); writer.string(functionName)
            if let requestId { writer.key("requestId"); writer.string(requestId) }
            if level >= .error || requestId == nil { writer.key("message"); writer.string(message) }
        case .json:
            writer.key("timestamp"); writer.string(clock.now().iso8601)
            writer.key("level"); writer.string(level.name)
            if let requestId { writer.key("requestId"); writer.string(requestId) }
            writer.key("message"); writer.string(message)
            writer.key("function"); writer.string(functionName)
        }
        fields(&writer)
        writer.closeObject()
        switch sink {
        case .lines(let write):
            write(String(decoding: writer.bytes, as: UTF8.self))
        case .descriptor(let descriptor):
            var line = writer.bytes
            line.append(0x0A)
            POSIXFile.write(line, to: descriptor)
        }
    }
}
