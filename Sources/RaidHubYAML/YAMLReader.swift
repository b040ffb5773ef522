/// Reads the YAML subset CloudFormation and SAM templates use: block and flow mappings and
/// sequences, plain, quoted and block scalars, comments, and short-form tags (`!Ref`, `!Sub`,
/// `!GetAtt`, `!If`, ...). Anchors, aliases, merge keys, complex keys, directives and several
/// documents are refused with their line and column: a wrong reading is worse than none.
public struct YAMLReader {
    private var lines: [YAMLLine]
    private var index = 0

    private init(lines: [YAMLLine]) {
        self.lines = lines
    }

    /// The document in `text`.
    public static func read(_ text: String) throws(YAMLError) -> YAMLNode {
        var reader = YAMLReader(lines: try YAMLLine.split(text))
        return try reader.readDocument()
    }

    private mutating func readDocument() throws(YAMLError) -> YAMLNode {
        skipBlank()
        if index < lines.count, lines[index].indent == 0, lines[index].content.hasPrefix("%") {
            throw YAMLError("directives are not supported", line: lines[index].number, column: 1)
        }
        if index < lines.count, lines[index].indent == 0, isDocumentMarker(lines[index].structuralContent, "---") {
            index += 1
            skipBlank()
        }
        guard index < lines.count else { return .scalar(nil) }
        let node = try readBlock(indent: lines[index].indent)
        skipBlank()
        if index < lines.count {
            let line = lines[index]
            let content = line.structuralContent
            if line.indent == 0, isDocumentMarker(content, "---") || isDocumentMarker(content, "...") {
                throw YAMLError("several documents are not supported", line: line.number, column: 1)
            }
            throw YAMLError("unexpected indentation or content", line: line.number, column: line.indent + 1)
        }
        return node
    }

    private func isDocumentMarker(_ content: Substring, _ marker: String) -> Bool {
        content == marker || content.hasPrefix(marker + " ")
    }

    private mutating func skipBlank() {
        while index < lines.count, lines[index].isBlank { index += 1 }
    }

    /// A node whose first line is the current one, at exactly `indent`.
    private mutating func readBlock(indent: Int) throws(YAMLError) -> YAMLNode {
        let line = lines[index]
        let content = line.structuralContent
        if content == "-" || content.hasPrefix("- ") { return try readSequence(indent: indent) }
        if try YAMLInline.mappingKey(in: content, line: line) != nil { return try readMapping(indent: indent) }
        index += 1
        return try YAMLInline.value(String(content), line: line.number, column: line.indent + 1)
    }

    private mutating func readSequence(indent: Int) throws(YAMLError) -> YAMLNode {
        var items: [YAMLNode] = []
        while index < lines.count {
            let line = lines[index]
            let content = line.structuralContent
            guard line.indent == indent, content == "-" || content.hasPrefix("- ") else { break }
            let rest = content.dropFirst().drop { $0 == " " }
            if rest.isEmpty {
                index += 1
                items.append(try readNested(parentIndent: indent, allowSameIndentSequence: false))
            } else {
                // "- key: value" or "- - x": the rest is a node starting at its own column.
                let column = indent + (content.count - rest.count)
                lines[index] = YAMLLine(number: line.number, indent: column, content: line.content.dropFirst(column - indent))
                items.append(try readInlineOrBlock(at: column))
            }
            skipBlank()
        }
        return .sequence(items)
    }

    private mutating func readMapping(indent: Int) throws(YAMLError) -> YAMLNode {
        var entries: [YAMLEntry] = []
        while index < lines.count {
            let line = lines[index]
            guard line.indent == indent else { break }
            let content = line.structuralContent
            guard let (key, valueStart) = try YAMLInline.mappingKey(in: content, line: line) else { break }
            if key == "<<" { throw YAMLError("merge keys are not supported", line: line.number, column: indent + 1) }
            if entries.contains(where: { $0.key == key }) {
                throw YAMLError("duplicate key '\(key)'", line: line.number, column: indent + 1)
            }
            let rest = content[valueStart...].drop { $0 == " " }
            let column = indent + content.distance(from: content.startIndex, to: rest.startIndex)
            let value: YAMLNode
            if rest.isEmpty {
                index += 1
                value = try readNested(parentIndent: indent, allowSameIndentSequence: true)
            } else {
                value = try readValue(String(rest), line: line, column: column)
            }
            entries.append(YAMLEntry(key: key, value: value))
            skipBlank()
        }
        return .mapping(entries)
    }

    /// The value after `key:` on the same line: a tag, a block scalar, a flow collection or a scalar.
    private mutating func readValue(_ text: String, line: YAMLLine, column: Int) throws(YAMLError) -> YAMLNode {
        if text.hasPrefix("!!") { throw YAMLError("standard tags (!!) are not supported", line: line.number, column: column) }
        if text.hasPrefix("!") {
            let tagEnd = text.firstIndex(of: " ") ?? text.endIndex
            let tag = String(text[..<tagEnd])
            let rest = text[tagEnd...].drop { $0 == " " }
            if rest.isEmpty {
                index += 1
                return .tagged(tag, try readNested(parentIndent: line.indent, allowSameIndentSequence: true))
            }
            return .tagged(tag, try readValue(String(rest), line: line, column: column + text.distance(from: text.startIndex, to: rest.startIndex)))
        }
        if text.hasPrefix("|") || text.hasPrefix(">") {
            index += 1
            return .scalar(try readBlockScalar(header: text, parentIndent: line.indent, line: line, column: column))
        }
        if text.hasPrefix("[") || text.hasPrefix("{") {
            return try readFlow(startingWith: text, line: line, column: column)
        }
        index += 1
        return try YAMLInline.value(text, line: line.number, column: column)
    }

    /// A node that starts on the current line at `column` (after "- ").
    private mutating func readInlineOrBlock(at column: Int) throws(YAMLError) -> YAMLNode {
        let line = lines[index]
        let content = line.structuralContent
        if content == "-" || content.hasPrefix("- ") { return try readSequence(indent: column) }
        if try YAMLInline.mappingKey(in: content, line: line) != nil { return try readMapping(indent: column) }
        // A lone value after "- ": give it the sequence's indentation as its parent.
        return try readValue(String(content), line: line, column: column + 1)
    }

    /// The block nested under a line that ended after `:` or `-`: more indented, or (for a mapping
    /// value) a sequence at the same indentation, or nothing.
    private mutating func readNested(parentIndent: Int, allowSameIndentSequence: Bool) throws(YAMLError) -> YAMLNode {
        skipBlank()
        guard index < lines.count else { return .scalar(nil) }
        let line = lines[index]
        let content = line.structuralContent
        if line.indent > parentIndent { return try readBlock(indent: line.indent) }
        if allowSameIndentSequence, line.indent == parentIndent, content == "-" || content.hasPrefix("- ") {
            return try readSequence(indent: parentIndent)
        }
        return .scalar(nil)
    }

    /// A flow collection, which may continue on following lines until its brackets close.
    private mutating func readFlow(startingWith first: String, line: YAMLLine, column: Int) throws(YAMLError) -> YAMLNode {
        var text = first
        index += 1
        while !YAMLInline.isBalanced(text) {
            guard index < lines.count else { throw YAMLError("unclosed flow collection", line: line.number, column: column) }
            text += " " + lines[index].structuralContent
            index += 1
        }
        return try YAMLInline.value(text, line: line.number, column: column)
    }

    /// `|` or `>` with optional chomping (`-`, `+`) and indentation indicator.
    private mutating func readBlockScalar(header: String, parentIndent: Int, line: YAMLLine, column: Int) throws(YAMLError) -> String {
        let folded = header.hasPrefix(">")
        var chomping: Character = " "
        var explicitIndent: Int?
        for character in header.dropFirst() {
            if character == "-" || character == "+" { chomping = character }
            else if let digit = character.wholeNumberValue, digit > 0 { explicitIndent = parentIndent + digit }
            else { throw YAMLError("unexpected characters after the block scalar indicator", line: line.number, column: column) }
        }
        var contentLines: [Substring] = []
        var contentIndent = explicitIndent
        while index < lines.count {
            let next = lines[index]
            let isEmpty = next.content.allSatisfy { $0 == " " }
            if isEmpty {
                contentLines.append("")
                index += 1
                continue
            }
            let indent = contentIndent ?? next.indent
            guard next.indent > parentIndent, next.indent >= indent else { break }
            contentIndent = indent
            contentLines.append(Substring(String(repeating: " ", count: next.indent - indent) + next.content))
            index += 1
        }
        var trailingBlank = 0
        while contentLines.last == "" { contentLines.removeLast(); trailingBlank += 1 }
        let text = folded ? Self.fold(contentLines) : contentLines.joined(separator: "\n")
        switch chomping {
        case "-": return text
        case "+": return contentLines.isEmpty ? String(repeating: "\n", count: trailingBlank) : text + String(repeating: "\n", count: trailingBlank + 1)
        default: return contentLines.isEmpty ? "" : text + "\n"
        }
    }

    /// Folding (`>`): lines join with a space; each empty line between them is one newline;
    /// more-indented lines keep their line breaks.
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
                if emptyLines > 0 {
                    text += String(repeating: "\n", count: emptyLines)
                } else {
                    text += line.hasPrefix(" ") || previous.hasPrefix(" ") ? "\n" : " "
                }
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
