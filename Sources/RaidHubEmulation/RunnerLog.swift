import Foundation

/// What the runner says about its own work, on stderr: one access line per request (404s, 401s
/// and preflights too), and with `--debug` the decisions behind it: which route matched, what
/// the authorizer said or whether its cached decision was used, when instances start.
public final class RunnerLog: Sendable {
    /// Whether `--debug` lines are written.
    public let isDebugging: Bool
    private let isTerminal: Bool
    private let write: @Sendable (String) -> Void

    /// A log writing whole lines to `write` (stderr by default); `terminal` aligns access lines.
    public init(debug: Bool = false, terminal: Bool = isatty(STDERR_FILENO) == 1, write: @escaping @Sendable (String) -> Void = { Console.error($0 + "\n") }) {
        self.isDebugging = debug
        self.isTerminal = terminal
        self.write = write
    }

    /// Says nothing: for tests and embedding.
    public static let silent = RunnerLog(terminal: false) { _ in }

    /// A `--debug` line, with the time, as SAM's debug lines have.
    package func debug(_ message: @autoclosure () -> String) {
        guard isDebugging else { return }
        write("[debug \(Self.clock())] \(message())")
    }

    /// What happened to one request.
    package struct Access {
        var method: String
        var path: String
        /// "GET /me", "$default", or nil when no route matched.
        package var route: String?
        package var function: String?
        package var status: Int
        package var duration: Duration
        package var requestId: String

        /// A request's line, to be completed as it is answered.
        package init(method: String, path: String, route: String? = nil, function: String? = nil, status: Int = 0,
                     duration: Duration = .zero, requestId: String = "") {
            (self.method, self.path, self.route, self.function) = (method, path, route, function)
            (self.status, self.duration, self.requestId) = (status, duration, requestId)
        }
    }

    /// One access line: on a terminal short and aligned, otherwise `key=value` for tools.
    package func access(_ entry: Access) {
        // Tenths of a millisecond by hand: String(format:) would cost more than the rest of the line.
        let tenths = Int((entry.duration.milliseconds * 10).rounded())
        let milliseconds = "\(tenths / 10).\(tenths % 10)"
        if isTerminal {
            let target = entry.function.map { "→ \($0)" + (entry.route.map { " (\($0))" } ?? "") } ?? "→ " + (entry.route ?? "no route")
            write("\(Self.clock()) \(Self.pad(entry.method, 7))\(Self.pad(Self.cut(entry.path, 29), 30))\(Self.pad(Self.cut(target, 43), 44))"
                + "\(entry.status) \(Self.pad(milliseconds, 7, left: true)) ms  \(entry.requestId.prefix(8))")
        } else {
            write("access method=\(entry.method) path=\(entry.path) route=\(entry.route.map { "\"\($0)\"" } ?? "-") function=\(entry.function ?? "-") status=\(entry.status) ms=\(milliseconds) requestId=\(entry.requestId)")
        }
    }

    /// `text`, or its first `width - 1` characters and "…".
    private static func cut(_ text: String, _ width: Int) -> String {
        text.count > width ? text.prefix(width - 1) + "…" : text
    }

    private static func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
        guard text.count < width else { return text + " " }
        let spaces = String(repeating: " ", count: width - text.count)
        return left ? spaces + text : text + spaces
    }

    private static func clock() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var parts = tm()
        var seconds = now.tv_sec
        gmtime_r(&seconds, &parts)
        return String(format: "%02d:%02d:%02d.%03d", parts.tm_hour, parts.tm_min, parts.tm_sec, now.tv_nsec / 1_000_000)
    }
}
