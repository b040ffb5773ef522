/// Values written on one line: plain and quoted scalars, tags, and flow collections.
enum YAMLInline {
    /// When `content` starts a mapping entry, its key and where the value starts.
    static func mappingKey(in content: Substring, line: YAMLLine) throws(YAMLError) -> (String, Substring.Index)? {
        guard let first = content.first else { return nil }
        switch first {
        case "?" where content.count == 1 || content.dropFirst().first == " ":
            throw YAMLError("complex keys are not supported", line: line.number, column: line.indent + 1)
        case "&", "*":
            throw YAMLError(first == "&" ? "anchors are not supported" : "aliases are not supported", line: line.number, column: line.indent + 1)
        case "\"", "'":
            var reader = FlowReader(Array(content), line: line.number, column: line.indent + 1)
            let key = try reader.quoted()
            reader.skipSpaces()
            guard reader.peek == ":", reader.peek(1) == nil || reader.peek(1) == " " else { return nil }
            return (key, content.index(content.startIndex, offsetBy: reader.position + 1))
        case "[", "{":
            return nil
        case "-" where content.count == 1 || content.dropFirst().first == " ":
            return nil
        case "!":
            // A tagged value (`- !If [C, {Effect: Allow}]`, `!Sub 'a: b'`) unless what follows
            // the tag is itself a key: tagged keys are not supported.
            let rest = content.drop { $0 != " " }.drop { $0 == " " }
            guard !rest.isEmpty, try mappingKey(in: rest, line: line) != nil else { return nil }
            throw YAMLError("tagged keys are not supported", line: line.number, column: line.indent + 1)
        case "]", "}", ",", "%", "@", "`", "|", ">":
            // Indicators; a key that starts with one is no plain scalar (`]]: a` is refused by
            // PyYAML).
            guard content.contains(": ") || content.hasSuffix(":") else { return nil }
            throw YAMLError("a key cannot start with '\(first)'", line: line.number, column: line.indent + 1)
        default:
            var index = content.startIndex
            while index < content.endIndex {
                if content[index] == ":" {
                    let next = content.index(after: index)
                    if next == content.endIndex || content[next] == " " {
                        let key = content[..<index].trimmingSuffix()
                        return key.isEmpty ? nil : (String(key), next)
                    }
                }
                index = content.index(after: index)
            }
            return nil
        }
    }

    /// A value gathered from its line(s): tag, quoted scalar, flow collection or plain scalar,
    /// inside `depth` enclosing collections; a comment may follow it.
    static func value(_ text: String, line: Int, column: Int, depth: Int) throws(YAMLError) -> YAMLNode {
        try value(Array(text), line: line, column: column, depth: depth)
    }

    /// A value from lines joined with a space each, at `lineBreaks` (offsets in `characters`),
    /// `commentBreaks` those after a line a comment ended.
    static func value(_ characters: [Character], line: Int, column: Int, depth: Int, lineBreaks: [Int] = [],
                      commentBreaks: [Int] = []) throws(YAMLError) -> YAMLNode {
        var reader = FlowReader(characters, line: line, column: column, depth: depth, lineBreaks: lineBreaks, commentBreaks: commentBreaks)
        let node = try reader.value(inFlow: false)
        reader.skipSpaces()
        guard reader.peek == nil || reader.peek == "#" else { throw reader.error("unexpected characters after the value") }
        // Lines joined after the collection closed would be dropped as a comment: whatever took
        // them for part of it misread something, so the document is refused, not shortened.
        if let last = lineBreaks.last, reader.position <= last { throw reader.error("a flow collection ends before the lines joined to it") }
        return node
    }

    /// Brackets and quotes seen so far, scanned a line at a time, so a collection or quoted
    /// scalar spread over many lines is read in linear time.
    struct Balance {
        private var depth = 0
        private var quote: Character?
        private var escaped = false
        /// Whether the node the text starts with (a quoted scalar, a flow collection) has
        /// closed: what follows it (`'x'#c 'y`, `[a]#c 'b`) opens nothing.
        private var nodeClosed = false

        /// Whether every `[`/`{` outside quotes is closed.
        var isClosed: Bool { depth <= 0 && quote == nil }
        /// Whether a quoted scalar is still open.
        var isInQuote: Bool { quote != nil }
        /// Whether the text scanned so far ends inside a double-quoted scalar on an unpaired
        /// backslash: the line break after it is escaped.
        var endsInEscape: Bool { escaped }

        /// After an escaped line break: the backslash escaped the break, not the next line's
        /// first character.
        mutating func forgetEscape() { escaped = false }

        mutating func scan(_ text: some StringProtocol) {
            // In one single-quoted scalar, a quote closes it unless another follows (`''`).
            var singleQuoteClosing = false
            for character in text where !nodeClosed {
                if singleQuoteClosing {
                    singleQuoteClosing = false
                    if character == "'" {
                        quote = "'"
                        continue
                    }
                    nodeClosed = true
                    break
                }
                if let open = quote {
                    if escaped { escaped = false } else if character == "\\" && open == "\"" { escaped = true } else if character == open {
                        quote = nil
                        if depth == 0 { if open == "'" { singleQuoteClosing = true } else { nodeClosed = true } }
                    }
                    continue
                }
                switch character {
                case "\"", "'": quote = character
                case "[", "{": depth += 1
                case "]", "}":
                    depth -= 1
                    nodeClosed = depth == 0
                default: break
                }
            }
            if singleQuoteClosing { nodeClosed = true }
        }
    }
}

extension Substring {
    fileprivate func trimmingSuffix() -> Substring {
        var end = endIndex
        while end > startIndex, self[index(before: end)] == " " { end = index(before: end) }
        return self[startIndex..<end]
    }
}
