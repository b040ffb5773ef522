import Foundation
import RaidHubJSON

/// Writes one JSON line per invocation, and one per loop event, to a sink (stderr in a function).
/// Lines carry ids, outcomes and timings only: never a secret, a token or a body.
public struct InvocationLog: Sendable {
    private let functionName: String
    private let write: @Sendable (String) -> Void

    /// A log for `functionName` that hands each line to `write`.
    public init(functionName: String, write: @escaping @Sendable (String) -> Void) {
        self.functionName = functionName
        self.write = write
    }

    /// A log that writes to standard error, the function's log stream on Lambda.
    public static func standardError(functionName: String) -> InvocationLog {
        InvocationLog(functionName: functionName) { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }

    /// The line for one served invocation.
    public func invocation(requestId: String, outcome: InvocationOutcome, durationMicroseconds: Int64) {
        line(level: "info", requestId: requestId) { writer in
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
        line(level: "error", requestId: requestId) { writer in
            writer.key("errorType"); writer.string(error.code.rawValue)
            writer.key("message"); writer.string(error.message)
            if let durationMicroseconds { writer.key("durationUs"); writer.integer(durationMicroseconds) }
        }
    }

    /// A line about the loop itself (the Runtime API failing, an event dropped).
    public func event(level: String, _ message: String) {
        line(level: level, requestId: nil) { writer in
            writer.key("message"); writer.string(message)
        }
    }

    private func line(level: String, requestId: String?, fields: (inout JSONWriter) -> Void) {
        var writer = JSONWriter()
        writer.openObject()
        writer.key("level"); writer.string(level)
        writer.key("function"); writer.string(functionName)
        if let requestId { writer.key("requestId"); writer.string(requestId) }
        fields(&writer)
        writer.closeObject()
        write(String(decoding: writer.bytes, as: UTF8.self))
    }
}
