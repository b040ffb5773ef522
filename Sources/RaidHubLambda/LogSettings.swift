/// Lambda's advanced logging controls as the function sees them: `AWS_LAMBDA_LOG_FORMAT` and
/// `AWS_LAMBDA_LOG_LEVEL`, which Lambda sets from the function's `LoggingConfig`.
public struct LogSettings: Sendable, Equatable {
    /// How each line is written.
    public enum Format: Sendable, Equatable {
        /// One compact JSON object per line with lower-case levels and no timestamp (CloudWatch
        /// adds its own): the functions' readable form, and Lambda's default.
        case text
        /// Lambda's JSON log format: every line an object with `timestamp` (RFC 3339, UTC,
        /// milliseconds), `level` (upper case), `requestId` when there is one, and `message`.
        case json
    }

    /// Lambda's application log levels, least severe first.
    public enum Level: Int, Sendable, Comparable, CaseIterable {
        case trace, debug, info, warn, error, fatal

        /// `TRACE` ... `FATAL`, as Lambda spells them.
        public var name: String {
            switch self {
            case .trace: "TRACE"
            case .debug: "DEBUG"
            case .info: "INFO"
            case .warn: "WARN"
            case .error: "ERROR"
            case .fatal: "FATAL"
            }
        }

        /// The level `name` spells, in any case; nil for anything else.
        public init?(name: String) {
            guard let level = Self.allCases.first(where: { $0.name == name.uppercased() }) else { return nil }
            self = level
        }

        public static func < (left: Level, right: Level) -> Bool { left.rawValue < right.rawValue }
    }

    /// The format of every line.
    public var format: Format
    /// Lines below this level are not written.
    public var minimumLevel: Level

    /// Settings with these values (by default Lambda's: text, INFO).
    public init(format: Format = .text, minimumLevel: Level = .info) {
        self.format = format
        self.minimumLevel = minimumLevel
    }

    /// The settings `environment` gives. Lambda only sets these variables to values it has
    /// validated; anything else falls back to its default (text, INFO) rather than failing a
    /// function over its logs.
    public init(environment: [String: String]) {
        self.init(
            format: environment[Self.formatVariable]?.uppercased() == "JSON" ? .json : .text,
            minimumLevel: environment[Self.levelVariable].flatMap(Level.init(name:)) ?? .info)
    }

    /// The variable Lambda sets to `Text` or `JSON`.
    public static let formatVariable = "AWS_LAMBDA_LOG_FORMAT"
    /// The variable Lambda sets to the application log level.
    public static let levelVariable = "AWS_LAMBDA_LOG_LEVEL"
}
