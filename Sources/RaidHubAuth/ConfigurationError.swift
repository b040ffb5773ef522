/// Why a function cannot start: names the variable, never its value.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong with the variable.
    public enum Problem: Sendable, Equatable {
        case missing
        case empty
        case tooShort(minimumByteCount: Int)
        case sameAs(String)
        case invalid(String)
    }

    /// The environment variable at fault.
    public let variable: String
    /// What is wrong with it.
    public let problem: Problem

    /// `variable` has `problem`.
    public init(variable: String, problem: Problem) {
        self.variable = variable
        self.problem = problem
    }

    /// A one-line explanation naming the variable.
    public var description: String {
        switch problem {
        case .missing: "\(variable) is not set"
        case .empty: "\(variable) is empty"
        case .tooShort(let minimum): "\(variable) must be at least \(minimum) bytes"
        case .sameAs(let other): "\(variable) must differ from \(other)"
        case .invalid(let rule): "\(variable) \(rule)"
        }
    }
}
