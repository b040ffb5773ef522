/// Reads the YAML subset CloudFormation and SAM templates use: block and flow mappings and
/// sequences, plain, quoted and block scalars, comments, and short-form tags (`!Ref`, `!Sub`,
/// `!GetAtt`, `!If`, ...). Anchors, aliases, merge keys, complex keys, directives and several
/// documents are refused with their line and column: a wrong reading is worse than none.
public struct YAMLReader {
    /// How deeply collections and tags may nest, block and flow together: real templates stay
    /// under 20; the limit keeps a hostile file from exhausting the stack.
    public static let maximumDepth = 100
    private var lines: [YAMLLine]
    private var index = 0
    private var depth = 0
    /// Whether the document's last line has its line break: a block scalar ending the file
    /// without one has no final line break to keep either (PyYAML reads `a: |\n  x` as `x`).
    private var endsWithLineBreak = true

    private init(lines: [YAMLLine]) {
        self.lines = lines
    }

    /// `text` with every CRLF and lone CR turned into LF: its lines as the reader numbers them.
    public static func normalizingLineBreaks(_ text: String) -> String {
        guard text.utf8.contains(0x0D) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var afterCR = false
        for byte in text.utf8 {
            if byte == 0x0D {
                bytes.append(0x0A)
            } else if !(byte == 0x0A && afterCR) {
                bytes.append(byte)
            }
            afterCR = byte == 0x0D
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The document in `text`.
    public static func read(_ text: String) throws(YAMLError) -> YAMLNode {
        // A byte order mark at the start is no content (PyYAML drops it too).
        let text = text.unicodeScalars.first == "\u{FEFF}" ? String(text.unicodeScalars.dropFirst()) : text
        try refuseNonPrintable(text)
        var reader = YAMLReader(lines: try YAMLLine.split(text))
        reader.endsWithLineBreak = text.unicodeScalars.last.map { $0 == "\n" || $0 == "\r" } ?? true
        return try reader.readDocument()
    }

    /// YAML's character set (1.1 and 1.2, §5.1): tab, line breaks and the printable characters;
    /// a control character, a surrogate or U+FFFE/U+FFFF is refused where it stands, as PyYAML
    /// refuses it, rather than read into a value. So are NEL, LS and PS, which YAML 1.1 (and
    /// PyYAML) takes for line breaks and the reader does not; and a combining mark right after
    /// white space or an indicator, which Swift's characters would join to it (`- \u{301}x`
    /// read as one scalar, not a sequence).
    private static func refuseNonPrintable(_ text: String) throws(YAMLError) {
        var line = 1, column = 1
        var previous: Unicode.Scalar = "\n"
        for scalar in text.unicodeScalars {
            defer { previous = scalar }
            // Cheapest test first: most scalars are ASCII, and a category lookup is not free.
            if !scalar.isASCII, previous.isASCII, " \t\r\n-?:,[]{}#&*!|>'\"%@`".unicodeScalars.contains(previous),
               [.nonspacingMark, .spacingMark, .enclosingMark].contains(scalar.properties.generalCategory) {
                throw YAMLError("a combining mark after white space or an indicator", line: line, column: column)
            }
            switch scalar.value {
            case 0x0A: line += 1; column = 1; continue
            case 0x09, 0x0D, 0x20...0x7E, 0xA0...0x2027, 0x202A...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: column += 1; continue
            default:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                throw YAMLError("U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex) is not a character YAML allows", line: line, column: column)
            }
        }
    }

    private mutating func readDocument() throws(YAMLError) -> YAMLNode {
        try skipBlank()
        if index < lines.count, lines[index].indent == 0, lines[index].content.hasPrefix("%") {
            throw YAMLError("directives are not supported", line: lines[index].number, column: 1)
        }
        var node: YAMLNode?
        if index < lines.count, lines[index].indent == 0, isDocumentMarker(lines[index].structuralContent, "---") {
            let line = lines[index]
            let rest = try line.structure().dropFirst(3).drop { $0 == " " }  // a tab after `---` is refused, as PyYAML refuses it
            if rest.isEmpty {
                index += 1
                try skipBlank()
            } else {
                // `--- value`: the document is the node that starts after the marker (a scalar,
                // a block scalar, a flow collection, a tag), never a block mapping or sequence.
                let column = line.structuralContent.distance(from: line.structuralContent.startIndex, to: rest.startIndex)
                let startsMapping = try YAMLInline.mappingKey(in: rest, line: line) != nil
                if rest == "-" || rest.hasPrefix("- ") || startsMapping {
                    throw YAMLError("a block collection cannot start on the --- line", line: line.number, column: column + 1)
                }
                // A block scalar's lines must be indented (as PyYAML reads it); a plain one may
                // continue at the margin.
                let blockScalar = rest.hasPrefix("|") || rest.hasPrefix(">")
                node = try readValue(rest, line: line.advanced(by: column), column: column + 1, parentIndent: blockScalar ? 0 : -1)
            }
        }
        if node == nil {
            guard index < lines.count else { return .scalar(nil) }
            // A marker where the content would start (`---` twice, or `...` first) is no
            // content: PyYAML reads an empty document there, then refuses a second one.
            try refuseDocumentMarker(lines[index])
            node = try readBlock(indent: lines[index].indent, parentIndent: -1)
        }
        try skipBlank()
        if index < lines.count {
            let line = lines[index]
            _ = try line.structure()
            try refuseDocumentMarker(line)
            throw YAMLError("unexpected indentation or content", line: line.number, column: line.indent + 1)
        }
        return node ?? .scalar(nil)
    }

    private func isDocumentMarker(_ content: Substring, _ marker: String) -> Bool {
        content == marker || content.hasPrefix(marker + " ")
    }

    /// A template is one document: a second `---`, or a `...` that ends one, is refused.
    private func refuseDocumentMarker(_ line: YAMLLine) throws(YAMLError) {
        guard line.isDocumentMarker else { return }
        throw YAMLError("several documents are not supported", line: line.number, column: 1)
    }

    private mutating func skipBlank() throws(YAMLError) {
        while index < lines.count, lines[index].isBlank {
            _ = try lines[index].structure()  // a tab on a blank line outside a scalar is refused, as PyYAML refuses it
            index += 1
        }
    }

    /// One level deeper; an error past `maximumDepth`. The caller undoes it with `depth -= 1`.
    private mutating func descend(line: Int, column: Int) throws(YAMLError) {
        depth += 1
        if depth > Self.maximumDepth { throw YAMLError("nested deeper than \(Self.maximumDepth) levels", line: line, column: column) }
    }

    /// A node whose first line is the current one, at exactly `indent`, inside a parent at `parentIndent`.
    private mutating func readBlock(indent: Int, parentIndent: Int) throws(YAMLError) -> YAMLNode {
        let line = lines[index]
        let content = try line.structure()
        if content == "-" || content.hasPrefix("- ") { return try readSequence(indent: indent) }
        if try YAMLInline.mappingKey(in: content, line: line) != nil { return try readMapping(indent: indent) }
        return try readValue(content, line: line, column: line.indent + 1, parentIndent: parentIndent)
    }

    private mutating func readSequence(indent: Int) throws(YAMLError) -> YAMLNode {
        try descend(line: lines[index].number, column: indent + 1)
        defer { depth -= 1 }
        var items: [YAMLNode] = []
        while index < lines.count {
            let line = lines[index]
            let content = try line.structure()
            guard line.indent == indent, content == "-" || content.hasPrefix("- ") else { break }
            let rest = content.dropFirst().drop { $0 == " " }
            if rest.isEmpty {
                index += 1
                items.append(try readNested(parentIndent: indent, allowSameIndentSequence: false))
            } else {
                // "- key: value" or "- - x": the rest is a node starting at its own column.
                let column = indent + content.distance(from: content.startIndex, to: rest.startIndex)
                lines[index] = line.advanced(by: column - indent)
                items.append(try readInlineOrBlock(at: column, sequenceIndent: indent))
            }
            try skipBlank()
        }
        return .sequence(items)
    }

    private mutating func readMapping(indent: Int) throws(YAMLError) -> YAMLNode {
        try descend(line: lines[index].number, column: indent + 1)
        defer { depth -= 1 }
        var entries: [YAMLEntry] = []
        while index < lines.count {
            let line = lines[index]
            guard line.indent == indent, !line.isDocumentMarker else { break }  // `--- :` ends the document, it is no key
            let content = try line.structure()
            guard let (key, valueStart) = try YAMLInline.mappingKey(in: content, line: line) else { break }
            if key == "<<" { throw YAMLError("merge keys are not supported", line: line.number, column: indent + 1) }
            if entries.contains(where: { $0.key == key }) {
                throw YAMLError("duplicate key '\(key)'", line: line.number, column: indent + 1)
            }
            let rest = content[valueStart...].drop { $0 == " " }
            let column = indent + content.distance(from: content.startIndex, to: rest.startIndex) + 1
            let value: YAMLNode
            if rest.isEmpty {
                index += 1
                value = try readNested(parentIndent: indent, allowSameIndentSequence: true)
            } else {
                value = try readValue(rest, line: line, column: column, parentIndent: indent, afterKey: true)
            }
            entries.append(YAMLEntry(key: key, value: value))
            try skipBlank()
        }
        return .mapping(entries)
    }

    /// A value that starts on the current line at `column` (after `key:` or `- `, or a block of
    /// its own): a tag, a block scalar, a flow collection or a scalar, which may continue on
    /// the lines below that are indented more than `parentIndent`.
    /// `afterKey`: the value follows `key:` on its line, so a `- ` line at the mapping's indent
    /// may be its content (`key: !If` over a list); anywhere else such a line belongs to the
    /// parent (after `- `, the sequence's next item).
    private mutating func readValue(_ text: Substring, line: YAMLLine, column: Int, parentIndent: Int, afterKey: Bool = false) throws(YAMLError) -> YAMLNode {
        if text.hasPrefix("!!") { throw YAMLError("standard tags (!!) are not supported", line: line.number, column: column) }
        if text.hasPrefix("&") || text.hasPrefix("*") {
            throw YAMLError(text.hasPrefix("&") ? "anchors are not supported" : "aliases are not supported", line: line.number, column: column)
        }
        if text.hasPrefix("!") {
            try descend(line: line.number, column: column)
            defer { depth -= 1 }
            let tagEnd = text.firstIndex(of: " ") ?? text.endIndex
            let tag = String(text[..<tagEnd])
            guard FlowReader.isTagName(tag) else {
                throw YAMLError("a tag is '!' and a name of letters, digits and URI characters, and ends at a space", line: line.number, column: column)
            }
            let rest = text[tagEnd...].drop { $0 == " " }
            if rest.hasPrefix("!") { throw YAMLError("a value has one tag at most", line: line.number, column: column) }
            if rest.isEmpty {
                index += 1
                let content = try readNested(parentIndent: parentIndent, allowSameIndentSequence: afterKey)
                // What templates write (`!If` over a list of lines); a scalar below a lone tag
                // is read by PyYAML as an empty tagged value followed by another node.
                switch content {
                case .sequence, .mapping, .scalar(nil): return .tagged(tag, content)
                default: throw YAMLError("a tag alone on its line takes a block sequence or mapping below it", line: line.number, column: column)
                }
            }
            return .tagged(tag, try readValue(rest, line: line, column: column + text.distance(from: text.startIndex, to: rest.startIndex),
                                              parentIndent: parentIndent, afterKey: afterKey))
        }
        if text.hasPrefix("|") || text.hasPrefix(">") {
            index += 1
            return .scalar(try readBlockScalar(header: text, parentIndent: parentIndent, line: line, column: column))
        }
        if text.hasPrefix("[") || text.hasPrefix("{") {
            return try readFlow(startingWith: text, line: line, column: column)
        }
        index += 1
        if text.hasPrefix("\"") || text.hasPrefix("'") {
            return try YAMLInline.value(readQuotedContinuation(text, line: line, column: column, parentIndent: parentIndent),
                                        line: line.number, column: column, depth: depth)
        }
        return try YAMLInline.value(readPlainContinuation(text, after: line, parentIndent: parentIndent), line: line.number, column: column, depth: depth)
    }

    /// A plain scalar starting on `line` with its continuation lines (more indented than its
    /// parent, no comment between), folded as YAML folds them: one line break is a space, each
    /// empty line a newline. A comment ends it: a line that would continue it after one is refused.
    private mutating func readPlainContinuation(_ first: Substring, after line: YAMLLine, parentIndent: Int) throws(YAMLError) -> String {
        // `key: a: b` is not a value holding ": ": YAML (and PyYAML) refuse a mapping there.
        // `key: -` and `key: ?` are a sequence entry and a key where a value was due.
        if first == "-" || first == "?" || first.hasSuffix(":") || first.contains(": ") || first.contains(":\t") {
            throw YAMLError("a mapping value is not allowed here: quote a scalar that holds ': '", line: line.number, column: line.indent + 1)
        }
        var text = String(first)
        var emptyLines = 0
        var probe = index
        var endedByComment = line.hasComment
        while probe < lines.count {
            let next = lines[probe]
            if next.content.allSatisfy({ $0 == " " }) { emptyLines += 1; probe += 1; continue }
            // Quotes and brackets in a continuation line are text (`[a] b`, `'x' # c`).
            let (content, endsInComment) = try next.plainContinuation()
            if content.isEmpty { endedByComment = true; probe += 1; continue }  // a comment line
            guard next.indent > parentIndent, !next.isDocumentMarker else { break }
            if endedByComment {
                throw YAMLError("a comment ends a plain scalar: this line cannot continue it", line: next.number, column: next.indent + 1)
            }
            let startsEntry = try YAMLInline.mappingKey(in: content, line: next) != nil
            // A `:` before a space or the line's end would make the lines above a key, and a
            // key cannot span lines (PyYAML: "mapping values are not allowed here").
            if startsEntry || content.hasPrefix("- ") || content == "-" || content.hasSuffix(":") || content.contains(": ") || content.contains(":\t") {
                throw YAMLError("a plain scalar cannot continue with a sequence item or a mapping key", line: next.number, column: next.indent + 1)
            }
            text += emptyLines > 0 ? String(repeating: "\n", count: emptyLines) : " "
            text += content
            emptyLines = 0
            endedByComment = endsInComment
            probe += 1
            index = probe
        }
        return text
    }

    /// A quoted scalar that may close on a later line (indented more than its parent), with its
    /// line breaks folded.
    private mutating func readQuotedContinuation(_ first: Substring, line: YAMLLine, column: Int, parentIndent: Int) throws(YAMLError) -> String {
        var text = String(first)
        var state = YAMLInline.Balance()
        state.scan(first)
        var emptyLines = 0
        // A double-quoted line ending in an odd number of backslashes escapes its line break:
        // the lines join with nothing between (its white space kept, the next line's dropped).
        var escapedBreak = state.endsInEscape
        while state.isInQuote {
            guard index < lines.count else { throw YAMLError("unclosed quoted scalar", line: line.number, column: column) }
            let next = lines[index]
            index += 1
            if next.content.allSatisfy({ $0 == " " }) { emptyLines += 1; continue }
            guard next.indent > parentIndent, !next.isDocumentMarker else { throw YAMLError("unclosed quoted scalar", line: line.number, column: column) }
            if escapedBreak {
                text.removeLast()  // the backslash
                state.forgetEscape()
                text += String(repeating: "\n", count: emptyLines)
            } else {
                // Trailing white space folds away, but not a space a backslash escapes (`\ `).
                while let last = text.last, last == " " || last == "\t" {
                    if first.first == "\"", text.dropLast().reversed().prefix(while: { $0 == "\\" }).count % 2 == 1 { break }
                    text.removeLast()
                }
                text += emptyLines > 0 ? String(repeating: "\n", count: emptyLines) : " "
            }
            emptyLines = 0
            text += next.content
            state.scan(next.content)
            escapedBreak = state.endsInEscape
        }
        return text
    }

    /// A node that starts on the current line at `column` (after "- ").
    private mutating func readInlineOrBlock(at column: Int, sequenceIndent: Int) throws(YAMLError) -> YAMLNode {
        let line = lines[index]
        let content = try line.structure()
        if content == "-" || content.hasPrefix("- ") { return try readSequence(indent: column) }
        if try YAMLInline.mappingKey(in: content, line: line) != nil { return try readMapping(indent: column) }
        // A lone value after "- ": its parent is the sequence.
        return try readValue(content, line: line, column: column + 1, parentIndent: sequenceIndent)
    }

    /// The block nested under a line that ended after `:` or `-`: more indented, or (for a mapping
    /// value) a sequence at the same indentation, or nothing.
    private mutating func readNested(parentIndent: Int, allowSameIndentSequence: Bool) throws(YAMLError) -> YAMLNode {
        try skipBlank()
        guard index < lines.count else { return .scalar(nil) }
        let line = lines[index]
        let content = try line.structure()
        if line.indent > parentIndent { return try readBlock(indent: line.indent, parentIndent: parentIndent) }
        if allowSameIndentSequence, line.indent == parentIndent, content == "-" || content.hasPrefix("- ") {
            return try readSequence(indent: parentIndent)
        }
        return .scalar(nil)
    }

    /// A flow collection, which may continue on following lines until its brackets close. The
    /// lines are joined with a space each, and the reader told where: a scalar folds there, a key
    /// cannot span one, and a comment ending a line ends the plain scalar before it. Each line's
    /// comment is found knowing what the lines above left open (a `#` in a quoted scalar begun
    /// above is text).
    private mutating func readFlow(startingWith first: Substring, line: YAMLLine, column: Int) throws(YAMLError) -> YAMLNode {
        // Characters, not a string: a joined line starting with a combining mark would merge
        // into the space before it, and the line breaks' offsets would drift.
        var characters = Array(first)
        var lineBreaks: [Int] = []
        var commentBreaks: [Int] = []
        var scanner = YAMLLine.Scanner()
        _ = scanner.structure(of: first)
        var endsInComment = line.hasComment
        index += 1
        while scanner.flowDepth > 0 || scanner.isInQuote {
            guard index < lines.count, !lines[index].isDocumentMarker else { throw YAMLError("unclosed flow collection", line: line.number, column: column) }
            let next = lines[index]
            let scanned = scanner.structure(of: next.content)
            if let tab = scanned.tab {
                throw YAMLError("a tab outside a quoted or block scalar", line: next.number, column: next.indent + next.content.distance(from: next.content.startIndex, to: tab) + 1)
            }
            if endsInComment { commentBreaks.append(characters.count) }
            lineBreaks.append(characters.count)
            characters.append(" ")
            characters += scanned.text
            endsInComment = scanned.endsInComment
            index += 1
        }
        return try YAMLInline.value(characters, line: line.number, column: column, depth: depth, lineBreaks: lineBreaks, commentBreaks: commentBreaks)
    }

    /// `|` or `>` with optional chomping (`-`, `+`) and indentation indicator.
    private mutating func readBlockScalar(header: Substring, parentIndent: Int, line: YAMLLine, column: Int) throws(YAMLError) -> String {
        let folded = header.hasPrefix(">")
        var chomping: Character = " "
        var explicitIndent: Int?
        // At most one chomping indicator and one indentation digit, in either order (`>88` is refused).
        for character in header.dropFirst() {
            if character == "-" || character == "+", chomping == " " { chomping = character }
            else if let digit = character.wholeNumberValue, digit > 0, explicitIndent == nil { explicitIndent = max(parentIndent, 0) + digit }
            else { throw YAMLError("unexpected characters after the block scalar indicator", line: line.number, column: column) }
        }
        var contentLines: [Substring] = []
        var contentIndent = explicitIndent
        var leadingSpaces = 0  // the most spaces on an empty line before the first content line
        while index < lines.count {
            let next = lines[index]
            let isEmpty = next.content.allSatisfy { $0 == " " }
            if isEmpty {
                // Spaces past the content's indentation are content (a line of spaces); before
                // the indentation is known, more than it will be is an error, as in PyYAML.
                if let contentIndent {
                    contentLines.append(Substring(String(repeating: " ", count: max(0, next.indent - contentIndent))))
                } else {
                    leadingSpaces = max(leadingSpaces, next.indent)
                    contentLines.append("")
                }
                index += 1
                continue
            }
            let indent = contentIndent ?? next.indent
            // Even a block scalar at the document's root is indented (PyYAML's minimum is one).
            guard next.indent > max(parentIndent, 0), next.indent >= indent, !next.isDocumentMarker else { break }
            if contentIndent == nil, leadingSpaces > indent {
                throw YAMLError("an empty line before the block scalar's first line is indented more than it", line: next.number, column: 1)
            }
            contentIndent = indent
            contentLines.append(Substring(String(repeating: " ", count: next.indent - indent) + next.content))
            index += 1
        }
        var trailingBlank = 0
        while contentLines.last == "" { contentLines.removeLast(); trailingBlank += 1 }
        let text = folded ? Self.fold(contentLines) : contentLines.joined(separator: "\n")
        // The scalar's last line, content or blank, ends the file without a line break: it has
        // none to keep.
        let lastLineUnbroken = index == lines.count && !endsWithLineBreak ? 1 : 0
        let finalBreak = trailingBlank == 0 ? 1 - lastLineUnbroken : 1
        switch chomping {
        case "-": return text
        case "+": return contentLines.isEmpty ? String(repeating: "\n", count: max(0, trailingBlank - lastLineUnbroken))
            : text + String(repeating: "\n", count: trailingBlank + 1 - lastLineUnbroken)
        default: return contentLines.isEmpty ? "" : text + String(repeating: "\n", count: finalBreak)
        }
    }

    /// Folding (`>`): lines join with a space; each empty line between them is one newline;
    /// more-indented lines keep their line breaks, and the empty lines beside them each theirs.
    private static func fold(_ lines: [Substring]) -> String {
        var text = ""
        var emptyLines = 0
        var previous: Substring?
        for line in lines {
            if line.isEmpty {
                emptyLines += 1
                continue
            }
            if let previous {
                // Only a break between two lines of normal indentation folds (to a space, or to
                // the empty lines after it); beside a more-indented line it stays, with them.
                let spaced = line.first == " " || line.first == "\t" || previous.first == " " || previous.first == "\t"
                text += spaced ? String(repeating: "\n", count: emptyLines + 1) : emptyLines > 0 ? String(repeating: "\n", count: emptyLines) : " "
            } else {
                text += String(repeating: "\n", count: emptyLines)
            }
            text += line
            emptyLines = 0
            previous = line
        }
        return text
    }
}
