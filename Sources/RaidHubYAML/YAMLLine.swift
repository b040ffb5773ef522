/// One line of the document: its indentation, its text after the indentation, and its number.
struct YAMLLine {
    let number: Int
    let indent: Int
    /// The text after the indentation, comments still in it (block scalars need them).
    let content: Substring
    /// The content without a trailing comment (`#` at the start or after white space, outside
    /// quotes), found once: the reader looks at it several times per nesting level.
    let structuralContent: Substring
    /// Where the first tab outside quotes and before any comment is, if there is one: PyYAML
    /// refuses such a tab (after a plain scalar, before a key's colon, after a value), and the
    /// reader refuses what it might read otherwise; inside block scalars tabs are text.
    let structuralTab: Substring.Index?

    init(number: Int, indent: Int, content: Substring) {
        self.number = number
        self.indent = indent
        self.content = content
        (self.structuralContent, self.structuralTab) = Self.withoutComment(content)
    }

    /// The same line seen from `count` characters further right (after "- "), where a new node
    /// starts: the comment found on the whole line still ends it.
    func advanced(by count: Int) -> YAMLLine {
        YAMLLine(number: number, indent: indent + count, content: content.dropFirst(count), structuralContent: structuralContent.dropFirst(count),
                 structuralTab: structuralTab)
    }

    private init(number: Int, indent: Int, content: Substring, structuralContent: Substring, structuralTab: Substring.Index?) {
        self.number = number
        self.indent = indent
        self.content = content
        self.structuralContent = structuralContent
        self.structuralTab = structuralTab
    }

    /// The line's structural content; a tab in it is refused.
    func structure() throws(YAMLError) -> Substring {
        if let tab = structuralTab {
            throw YAMLError("a tab outside a quoted or block scalar", line: number, column: indent + content.distance(from: content.startIndex, to: tab) + 1)
        }
        return structuralContent
    }

    /// The line as a plain scalar's continuation, where quotes and brackets are text: up to a
    /// comment (`#` after a space), and whether one ends it. A tab before the comment is refused,
    /// as PyYAML ends a plain scalar at a tab and then refuses it.
    func plainContinuation() throws(YAMLError) -> (text: Substring, endsInComment: Bool) {
        var previous: Character = " "
        for index in content.indices {
            let character = content[index]
            if character == "#", previous == " " { return (Self.trimmedTrailing(content[..<index]), true) }
            if character == "\t" {
                throw YAMLError("a tab in a plain scalar", line: number, column: indent + content.distance(from: content.startIndex, to: index) + 1)
            }
            previous = character
        }
        return (Self.trimmedTrailing(content), false)
    }

    private static func withoutComment(_ content: Substring) -> (Substring, Substring.Index?) {
        var scanner = Scanner()
        let line = scanner.structure(of: content)
        return (line.text, line.tab)
    }

    /// Finds a line's comment and its first tab outside quotes, knowing what the lines before
    /// left open: nothing for a line of its own, and for the lines of a flow collection the
    /// brackets and quoted scalar still open (a `#` inside a quoted scalar begun lines above is
    /// text, and a quote after a `,` ending the line above opens one).
    struct Scanner {
        private var quote: Character?
        private var escaped = false
        private var previous: Character = " "
        /// A quoted scalar or a flow collection just ended, with nothing but white space and a
        /// `:` since: a JSON-like key, after whose `:` a quote opens at once (`{'a' :'b'}`).
        private var afterJSONLikeNode = false
        /// A `'` was read in a single-quoted scalar: the next character tells whether it closed it
        /// or began `''`.
        private var singleQuoteClosing = false
        // A quote opens a quoted scalar only where a value starts: at the start, after a key's
        // `:`, after `- ` or `? ` where those are indicators (themselves at a value's start), after
        // a tag or anchor there, or inside flow brackets; elsewhere (`a 'b # c`, `1, 'b # c`,
        // `1 - 'b # c`) it is plain text, and a `#` after it still starts a comment.
        private var atValueStart = true
        // The token (a run of characters up to white space) being read: where it began and its ends.
        private var token: (atValueStart: Bool, first: Character, last: Character, count: Int)?
        // Inside flow brackets a quote may follow `[`, `{`, `,` or a JSON-like key's `:` at
        // once; in block context `b:'c` and `x,'y` are plain text.
        private(set) var flowDepth = 0

        /// Whether a quoted scalar is open at the end of the lines scanned.
        var isInQuote: Bool { quote != nil }

        /// The text of `content` before its comment (trailing white space dropped, unless a
        /// quoted scalar is still open: its folding is the reader's), where its first tab outside
        /// quotes is, and whether a comment ends it.
        mutating func structure(of content: Substring) -> (text: Substring, tab: Substring.Index?, endsInComment: Bool) {
            var tab: Substring.Index?
            for index in content.indices {
                let character = content[index]
                if quote == "'", singleQuoteClosing {
                    // `''` is a quote inside a single-quoted scalar; a lone `'` closed it.
                    singleQuoteClosing = false
                    if character == "'" {
                        previous = character
                        continue
                    }
                    quote = nil
                    afterJSONLikeNode = true
                }
                if let open = quote {
                    if escaped {
                        escaped = false
                    } else if character == "\\", open == "\"" {
                        escaped = true
                    } else if character == open {
                        if open == "'" { singleQuoteClosing = true } else { quote = nil; afterJSONLikeNode = true }
                    }
                    previous = character
                    continue
                } else if (character == "'" || character == "\""), opensQuote {
                    quote = character
                } else if character == "#", previous == " " || previous == "\t" {
                    endLine()
                    return (YAMLLine.trimmedTrailing(content[..<index]), tab, true)
                } else if character == " " || character == "\t" {
                    if character == "\t" { tab = tab ?? index }
                    endToken()
                } else if flowDepth > 0 || (character == "[" || character == "{") && token == nil && atValueStart, "[{,]}".contains(character) {
                    // Inside a flow collection its indicators end a token: a value starts after
                    // `[`, `{` and `,` (`[!Sub 'a # b']`: the tag, then a quoted scalar).
                    if character == "[" || character == "{" { flowDepth += 1 } else if character != "," { flowDepth -= 1 }
                    token = nil
                    atValueStart = flowDepth > 0 && "[{,".contains(character)
                    afterJSONLikeNode = character == "]" || character == "}"
                } else {
                    // A bracket in a plain scalar (`a{b`, `\{'x`) is text.
                    if var current = token {
                        current.last = character
                        current.count += 1
                        token = current
                    } else {
                        token = (atValueStart, character, character, 1)
                    }
                }
                if character != " ", character != "\t", character != ":", !(flowDepth > 0 && "]}".contains(character)) { afterJSONLikeNode = false }
                previous = character
            }
            if singleQuoteClosing {
                singleQuoteClosing = false
                quote = nil
                afterJSONLikeNode = true
            }
            let text = quote == nil ? YAMLLine.trimmedTrailing(content) : content
            endLine()
            return (text, tab, false)
        }

        /// Whether a quote read now opens a quoted scalar: where a value starts, and in a flow
        /// collection right after `[`, `{`, `,`, or a JSON-like key's `:` (after a quoted scalar
        /// or a collection: `{"a":'b'}`; in `[x:'y']` the quote is text).
        private var opensQuote: Bool {
            previous == " " && atValueStart
                || flowDepth > 0 && ("[{,".contains(previous) || previous == ":" && afterJSONLikeNode)
        }

        /// A line break, outside a quoted scalar, is white space: it ends the token before it.
        /// Inside one, the break ends a backslash's reach (an escaped break is the reader's).
        private mutating func endLine() {
            if quote == nil { endToken() }
            escaped = false
            previous = " "
        }

        private mutating func endToken() {
            if let ended = token {
                // What a value may start after: an indicator, or a tag or anchor at a value's start.
                atValueStart = ended.last == ":" || flowDepth > 0 && "[{,".contains(ended.last)
                    || ended.atValueStart && (ended.count == 1 && (ended.first == "-" || ended.first == "?") || ended.first == "!" || ended.first == "&")
                token = nil
            }
        }
    }

    /// Whether the line holds nothing but white space or a comment.
    var isBlank: Bool { structuralContent.isEmpty }

    /// Whether a comment ends the line: it also ends a plain scalar, which cannot continue below.
    var hasComment: Bool { content.dropFirst(structuralContent.count).contains("#") }

    /// Whether the line is a document marker (`---` or `...`, alone or before a space) at the
    /// left margin: it ends whatever scalar or collection was open.
    var isDocumentMarker: Bool {
        indent == 0 && (structuralContent.hasPrefix("---") || structuralContent.hasPrefix("..."))
            && (structuralContent.count == 3 || structuralContent.dropFirst(3).first == " ")
    }

    fileprivate static func trimmedTrailing(_ text: Substring) -> Substring {
        var end = text.endIndex
        while end > text.startIndex, text[text.index(before: end)] == " " || text[text.index(before: end)] == "\t" {
            end = text.index(before: end)
        }
        return text[..<end]
    }

    /// Splits a document into lines at LF, CRLF or CR; a tab in the indentation is an error
    /// (YAML forbids it).
    static func split(_ text: String) throws(YAMLError) -> [YAMLLine] {
        var lines: [YAMLLine] = []
        // Swift's Character treats "\r\n" as one, so a split on "\n" would leave a CRLF file one
        // line: line breaks are normalized on the bytes first.
        let text = YAMLReader.normalizingLineBreaks(text)
        var pieces = text.split(separator: "\n", omittingEmptySubsequences: false)
        // The text after the last line break is a line only if it holds something: a final
        // line break ends the last line, and a kept (`|+`) block scalar must not count one more.
        if pieces.count > 1, pieces.last?.isEmpty == true { pieces.removeLast() }
        for (offset, line) in pieces.enumerated() {
            let indent = line.prefix { $0 == " " }.count
            let content = line.dropFirst(indent)
            if content.first == "\t", !YAMLLine(number: offset + 1, indent: indent, content: content).isBlank {
                throw YAMLError("a tab in indentation", line: offset + 1, column: indent + 1)
            }
            lines.append(YAMLLine(number: offset + 1, indent: indent, content: content))
        }
        return lines
    }
}
