import RaidHubJSON

/// One problem with a request body, with the path to it in the body (zod's issue shape, which
/// RaidHub's current service answers with).
public struct ValidationIssue: Sendable, Equatable {
    /// A machine-readable kind of problem.
    public enum Code: String, Sendable, Equatable {
        /// The body is not JSON.
        case invalidJSON = "invalid_json"
        /// A key appears twice in one object.
        case duplicateKey = "duplicate_key"
        /// Missing, or of the wrong JSON type.
        case invalidType = "invalid_type"
        /// A string that does not have the required form.
        case invalidString = "invalid_string"
        /// A number or an array too small.
        case tooSmall = "too_small"
        /// A number or an array too large.
        case tooBig = "too_big"
    }

    /// Where: member names and array indices from the body's root.
    public var path: [JSONPathComponent]
    /// What kind of problem.
    public var code: Code
    /// A sentence for a person; never quotes a value from the body.
    public var message: String

    /// An issue at `path`.
    public init(path: [JSONPathComponent], code: Code, message: String) {
        self.path = path
        self.code = code
        self.message = message
    }

    /// `{"path":[...],"code":"...","message":"..."}`.
    func write(to writer: inout JSONWriter) {
        writer.openObject()
        writer.key("path")
        writer.openArray()
        for component in path {
            switch component {
            case .key(let key): writer.string(key)
            case .index(let index): writer.integer(Int64(index))
            }
        }
        writer.closeArray()
        writer.key("code")
        writer.string(code.rawValue)
        writer.key("message")
        writer.string(message)
        writer.closeObject()
    }
}
