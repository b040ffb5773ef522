/// Why text is not in the supported YAML subset, and where (1-based line and column).
public struct YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong.
    public let message: String
    /// The line, from 1.
    public let line: Int
    /// The column, from 1.
    public let column: Int

    /// An error at `line`:`column`.
    public init(_ message: String, line: Int, column: Int) {
        self.message = message
        self.line = line
        self.column = column
    }

    /// `line L, column C: message`.
    public var description: String { "line \(line), column \(column): \(message)" }
}
