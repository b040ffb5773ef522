/// A cursor over one value's characters: flow collections, quoted scalars, plain scalars, tags.
struct FlowReader {
    private let characters: [Character]
    private(set) var position = 0
    private let line: Int
    private let column: Int
    /// Collections and tags enclosing the current value, the block ones included.
    private var depth: Int
    /// Where the lines of a flow collection written over several were joined (each a space in
    /// `characters`): a scalar folds there, and a key cannot span one.
    private let lineBreaks: Set<Int>
    /// The line breaks after a line that a comment ended: a plain scalar ends before them.
    private let commentBreaks: Set<Int>

    init(_ characters: [Character], line: Int, column: Int, depth: Int = 0, lineBreaks: [Int] = [], commentBreaks: [Int] = []) {
        self.characters = characters
        self.line = line
        self.column = column
        self.depth = depth
        self.lineBreaks = Set(lineBreaks)
        self.commentBreaks = Set(commentBreaks)
    }

    private mutating func descend() throws(YAMLError) {
        depth += 1
        if depth > YAMLReader.maximumDepth { throw error("nested deeper than \(YAMLReader.maximumDepth) levels") }
    }

    var peek: Character? { peek(0) }

    func peek(_ offset: Int) -> Character? {
        position + offset < characters.count ? characters[position + offset] : nil
    }

    func error(_ message: String) -> YAMLError {
        YAMLError(message, line: line, column: column + position)
    }

    mutating func skipSpaces() {
        while peek == " " { position += 1 }
    }

    /// A value; inside a flow collection, a plain scalar ends at `,`, `]`, `}` or `: `.
    mutating func value(inFlow: Bool) throws(YAMLError) -> YAMLNode {
        skipSpaces()
        switch peek {
        case nil: return .scalar(nil)
        case "[":
            try descend()
            defer { depth -= 1 }
            return try sequence()
        case "{":
            try descend()
            defer { depth -= 1 }
            return try mapping()
        case "\"", "'": return .scalar(try quoted())
        case "!":
            if peek(1) == "!" { throw error("standard tags (!!) are not supported") }
            try descend()
            defer { depth -= 1 }
            var tag = ""
            while let character = peek, Self.isTagCharacter(character) {
                tag.append(character)
                position += 1
            }
            // A tag ends at a space, as PyYAML requires even in a flow collection (`!}` is refused).
            guard peek == nil || peek == " " else { throw error("a tag must be followed by a space") }
            guard Self.isTagName(tag) else { throw error("a tag is '!' and a name of letters, digits and URI characters") }
            skipSpaces()
            if peek == "!" { throw error("a value has one tag at most") }
            return .tagged(tag, try value(inFlow: inFlow))
        case "&": throw error("anchors are not supported")
        case "*": throw error("aliases are not supported")
        case "|", ">": throw error("a block scalar must end its line")
        case "]", "}", ",", "#", "%", "@", "`":
            throw error("a plain scalar cannot start with '\(peek!)'")
        case "-", "?", ":":
            // Before a space (or, in a flow collection, a flow indicator) each is an indicator
            // here: a block sequence entry, a complex key, a value with no key; else plain text.
            // In a flow collection `?` and `:` are indicators wherever they start a value, as
            // PyYAML reads them (`[?x]` is a mapping in a list).
            if let next = peek(1), next != " ", !(inFlow && (",[]{}".contains(next) || peek != "-")) { return .scalar(plain(inFlow: inFlow)) }
            throw error("'\(peek!)' cannot start a value here")
        default: return .scalar(plain(inFlow: inFlow))
        }
    }

    /// What a tag may hold: ASCII letters, digits and URI characters, as PyYAML reads them.
    static func isTagCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || "-;/?:@&=+$,_.!~*'()[]%".contains(character))
    }

    /// A local tag as CloudFormation writes them (`!Ref`, `!GetAtt`): `!` and a name. Refused:
    /// `!` alone (YAML's non-specific tag, which PyYAML drops), a named handle (`!a!b`, which
    /// PyYAML refuses undeclared) and `%` escapes (which PyYAML decodes).
    static func isTagName(_ tag: String) -> Bool {
        tag.count > 1 && tag.first == "!" && tag.dropFirst().allSatisfy { isTagCharacter($0) && $0 != "!" && $0 != "%" }
    }

    private mutating func plain(inFlow: Bool) -> String {
        var text = ""
        while let character = peek {
            if lineBreaks.contains(position) {
                // Folded as YAML folds a flow scalar's lines: one break is a space, each empty
                // line after it a newline. A comment ending a line ends the scalar (PyYAML then
                // refuses a continuation), and so do breaks before whatever would end it anyway.
                var breaks = 0
                while lineBreaks.contains(position + breaks) {
                    if commentBreaks.contains(position + breaks) { return text }
                    breaks += 1
                }
                if endsPlain(at: position + breaks, inFlow: inFlow) { break }
                text += breaks == 1 ? " " : String(repeating: "\n", count: breaks - 1)
                position += breaks
                continue
            }
            if endsPlain(at: position, inFlow: inFlow) { break }
            text.append(character)
            position += 1
        }
        while text.last == " " { text.removeLast() }
        return text
    }

    /// Whether a plain scalar ends at `offset`: at the end, and in a flow collection at any of
    /// `,?[]{}` (as PyYAML, YAML 1.1, ends it) or a `:` before a space or one of `,]}`.
    private func endsPlain(at offset: Int, inFlow: Bool) -> Bool {
        guard let character = peek(offset - position) else { return true }
        guard inFlow else { return false }
        if ",?[]{}".contains(character) { return true }
        guard character == ":" else { return false }
        guard let next = peek(offset - position + 1) else { return true }
        return next == " " || ",]}".contains(next)
    }

    private mutating func sequence() throws(YAMLError) -> YAMLNode {
        position += 1  // [
        var items: [YAMLNode] = []
        while true {
            skipSpaces()
            if peek == "]" { position += 1; return .sequence(items) }
            items.append(try value(inFlow: true))
            skipSpaces()
            switch peek {
            case ",": position += 1
            case "]": position += 1; return .sequence(items)
            default: throw error("expected ',' or ']' in a flow sequence")
            }
        }
    }

    private mutating func mapping() throws(YAMLError) -> YAMLNode {
        position += 1  // {
        var entries: [YAMLEntry] = []
        while true {
            skipSpaces()
            if peek == "}" { position += 1; return .mapping(entries) }
            let keyStart = position
            let key: String
            switch try value(inFlow: true) {
            case .scalar(let text?): key = text
            default: throw error("flow mapping keys must be scalars")
            }
            if entries.contains(where: { $0.key == key }) { throw error("duplicate key '\(key)'") }
            skipSpaces()
            guard peek == ":" else { throw error("expected ':' in a flow mapping") }
            // An implicit key and its `:` are on one line (YAML 1.2 §7.4.2): PyYAML refuses
            // `{a\n: b}` and `{a\n b: c}`, which the joined lines would read as `a` and `a b`.
            if (keyStart..<position).contains(where: lineBreaks.contains) { throw error("a flow mapping's key and its ':' must be on one line") }
            position += 1
            entries.append(YAMLEntry(key: key, value: try value(inFlow: true)))
            skipSpaces()
            switch peek {
            case ",": position += 1
            case "}": position += 1; return .mapping(entries)
            default: throw error("expected ',' or '}' in a flow mapping")
            }
        }
    }

    /// A single-quoted (`''` is a quote) or double-quoted (backslash escapes) scalar.
    mutating func quoted() throws(YAMLError) -> String {
        let quote = characters[position]
        position += 1
        var text = ""
        // Spaces and tabs written (not escaped) at the end of `text`: a line break drops them.
        var trailingWhiteSpace = 0
        var escapedBreak = false
        while let character = peek {
            if lineBreaks.contains(position) {
                // Folded as YAML folds a flow scalar's lines: the white space around the break
                // dropped, one break a space and each empty line after it a newline; after a
                // backslash (an escaped break) the first break is nothing.
                text.removeLast(trailingWhiteSpace)
                trailingWhiteSpace = 0
                var breaks = 0
                while let next = peek {
                    if lineBreaks.contains(position) { breaks += 1 } else if next != " " && next != "\t" { break }
                    position += 1
                }
                text += breaks == 1 && !escapedBreak ? " " : String(repeating: "\n", count: breaks - 1)
                escapedBreak = false
                continue
            }
            position += 1
            if quote == "'" {
                if character == "'" {
                    if peek == "'" { text.append("'"); position += 1; trailingWhiteSpace = 0; continue }
                    return text
                }
                text.append(character)
            } else if character == "\"" {
                return text
            } else if character == "\\" {
                trailingWhiteSpace = 0
                if lineBreaks.contains(position) { escapedBreak = true; continue }
                text.append(try escape())
                continue
            } else {
                text.append(character)
            }
            trailingWhiteSpace = character == " " || character == "\t" ? trailingWhiteSpace + 1 : 0
        }
        throw error("unclosed quoted scalar")
    }

    private mutating func escape() throws(YAMLError) -> Character {
        guard let character = peek else { throw error("unfinished escape") }
        position += 1
        switch character {
        case "n": return "\n"
        case "t": return "\t"
        case "r": return "\r"
        case "0": return "\0"
        case "\"", "\\", "/", " ": return character
        case "x", "u", "U":
            let count = character == "x" ? 2 : character == "u" ? 4 : 8
            // Hex digits only: UInt32(_:radix:) also takes a sign (`\u+dA3` was read; PyYAML refuses it).
            guard position + count <= characters.count, characters[position..<(position + count)].allSatisfy(\.isHexDigit),
                  let value = UInt32(String(characters[position..<(position + count)]), radix: 16), let scalar = Unicode.Scalar(value)
            else { throw error("invalid \\\(character) escape") }
            position += count
            return Character(scalar)
        default:
            throw error("unsupported escape \\\(character)")
        }
    }
}
