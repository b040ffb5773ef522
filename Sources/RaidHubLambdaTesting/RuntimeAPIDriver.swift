import Foundation
import RaidHubHTTP
import RaidHubHTTPServer
import RaidHubLambda

/// A Runtime API that feeds one function process the same event as fast as it takes them, for
/// soak tests and benchmarks of a warm instance: each invocation gets its own request id and
/// X-Ray trace id (as on Lambda), and after the last one `GET /next` is answered 500, which
/// ends the function's loop.
public final class RuntimeAPIDriver: @unchecked Sendable {
    private let event: [UInt8]
    private let invocations: Int
    private let checkpoint: @Sendable (Int) -> Void
    private let lock = NSLock()
    private var handedOut = 0
    private var answered = 0
    private var unexpected: [String] = []
    private var server: HTTPServer?

    /// A driver for `invocations` invocations of `event`. `checkpoint(n)` runs after the n-th
    /// response arrived and before it is acknowledged, while the function waits: the moment to
    /// read its memory.
    public init(event: [UInt8], invocations: Int, checkpoint: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.event = event
        self.invocations = invocations
        self.checkpoint = checkpoint
    }

    /// Starts serving on 127.0.0.1; returns `host:port` for `AWS_LAMBDA_RUNTIME_API`.
    public func start() throws -> String {
        let server = HTTPServer(port: 0, readTimeoutSeconds: 3600) { [self] in answer($0) }
        self.server = server
        return "127.0.0.1:\(try server.start())"
    }

    /// Stops accepting connections.
    public func stop() { server?.stop() }

    /// How many responses arrived.
    public var responses: Int { lock.withLock { answered } }

    /// Requests that were neither `GET /next` nor a response to the invocation handed out last.
    public var unexpectedRequests: [String] { lock.withLock { unexpected } }

    private func answer(_ request: HTTPRequest) -> HTTPResponse {
        if request.method == "GET", request.path == RuntimeAPI.nextPath {
            let number = lock.withLock { () -> Int? in
                guard handedOut < invocations else { return nil }
                handedOut += 1
                return handedOut
            }
            guard let number else { return HTTPResponse(status: 500, body: Array(#"{"errorType":"Done"}"#.utf8)) }
            let deadline = Int64(Date().timeIntervalSince1970 * 1000) + 3000
            return HTTPResponse(status: 200, headers: [
                HTTPField(name: "Content-Type", value: "application/json"),
                HTTPField(name: RuntimeAPI.Header.requestId, value: Self.requestId(number)),
                HTTPField(name: RuntimeAPI.Header.deadline, value: String(deadline)),
                HTTPField(name: RuntimeAPI.Header.invokedFunctionARN, value: "arn:aws:lambda:us-east-1:123456789012:function:soak"),
                HTTPField(name: RuntimeAPI.Header.traceId, value: Self.traceId(number)),
            ], body: event)
        }
        let expected = lock.withLock { RuntimeAPI.responsePath(requestId: Self.requestId(handedOut)) }
        guard request.method == "POST", request.path == expected else {
            lock.withLock { unexpected.append("\(request.method) \(request.path)") }
            return HTTPResponse(status: 400, body: Array(#"{"errorType":"InvalidRequestID"}"#.utf8))
        }
        let count = lock.withLock { () -> Int in
            answered += 1
            return answered
        }
        checkpoint(count)
        return HTTPResponse(status: 202, body: Array(#"{"status":"OK"}"#.utf8))
    }

    private static func requestId(_ number: Int) -> String {
        "00000000-0000-4000-8000-" + hex(UInt64(number), digits: 12)
    }

    /// `Root=1-{8 hex: time}-{24 hex: unique}`, as X-Ray writes it: a new value every time.
    private static func traceId(_ number: Int) -> String {
        "Root=1-6745a1b2-" + hex(UInt64(number) &* 0x9E37_79B9_7F4A_7C15, digits: 24) + ";Parent=" + hex(UInt64(number), digits: 16) + ";Sampled=0"
    }

    private static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    /// The resident set size of process `pid` in bytes (`VmRSS` of `/proc/PID/status`).
    public static func residentBytes(of pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return nil }
        return kilobytes * 1024
    }
}
