/// Why a document is not the strict JSON `JSONParser` accepts; never quotes the document itself.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong.
    public enum Reason: Sendable, Equatable {
        case unexpectedEnd
        case unexpectedCharacter
        case invalidNumber
        case invalidEscape
        case invalidUnicodeEscape
        case controlCharacterInString
        case invalidUTF8
        case tooDeep(limit: Int)
        case duplicateKey
        case trailingContent
    }

    /// What was wrong.
    public var reason: Reason
    /// The byte offset in the document where it was found.
    public var offset: Int
    /// Where in the document it was found (for a duplicate key, the path of that key).
    public var path: [JSONPathComponent]

    /// An error of `reason` found at byte `offset` and document path `path`.
    public init(reason: Reason, offset: Int, path: [JSONPathComponent] = []) {
        self.reason = reason
        self.offset = offset
        self.path = path
    }

    /// The same error seen one level further out, under `component`.
    func nested(in component: JSONPathComponent) -> JSONParseError {
        JSONParseError(reason: reason, offset: offset, path: [component] + path)
    }

    /// A one-line explanation with the byte offset.
    public var description: String {
        let what: String = switch reason {
        case .unexpectedEnd: "unexpected end of input"
        case .unexpectedCharacter: "unexpected character"
        case .invalidNumber: "invalid number"
        case .invalidEscape: "invalid escape sequence"
        case .invalidUnicodeEscape: "invalid \\u escape (lone surrogate or bad hex)"
        case .controlCharacterInString: "unescaped control character in string"
        case .invalidUTF8: "invalid UTF-8"
        case .tooDeep(let limit): "nesting deeper than \(limit) levels"
        case .duplicateKey: "duplicate key"
        case .trailingContent: "content after the JSON value"
        }
        return "\(what) at byte \(offset)"
    }
}
