/// The request line and header fields of one request, checked strictly: the server sits in front
/// of functions that trust what it passes on, so anything ambiguous is refused, not guessed.
struct HTTPRequestHead {
    /// How the body is delimited.
    enum Framing: Equatable {
        case none
        case length(Int)
        case chunked
    }

    let method: String
    let target: String
    let fields: [HTTPField]
    let framing: Framing
    let keepAlive: Bool
    /// HTTP/1.1 with `Expect: 100-continue` and a body to come.
    let expectsContinue: Bool

    init(_ bytes: ArraySlice<UInt8>) throws(HTTPParseError) {
        var lines = Self.lines(bytes)
        guard !lines.isEmpty else { throw .malformed("empty request line") }
        let requestLine = lines.removeFirst()
        let parts = requestLine.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[0].allSatisfy(Self.isTokenCharacter),
              !parts[1].isEmpty, parts[1].allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else { throw .malformed("request line") }
        let version = String(decoding: parts[2], as: UTF8.self)
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else { throw .unsupported("HTTP version") }
        method = String(decoding: parts[0], as: UTF8.self)
        target = String(decoding: parts[1], as: UTF8.self)
        var fields = try lines.map(Self.field)
        // Names lower-cased once: every rule below looks fields up by name.
        var names = fields.map { $0.name.lowercased() }
        // RFC 9112 §3.2: exactly one Host in HTTP/1.1, at most one in HTTP/1.0.
        let hosts = names.count { $0 == "host" }
        guard hosts == 1 || (hosts == 0 && version == "HTTP/1.0") else { throw .malformed(hosts == 0 ? "missing Host" : "repeated Host") }
        // RFC 9112 §6.1: HTTP/1.0 framing with Transfer-Encoding is faulty; nginx refuses it too.
        if version == "HTTP/1.0", names.contains("transfer-encoding") {
            throw .malformed("Transfer-Encoding in HTTP/1.0")
        }
        framing = try Self.framing(fields, names: names)
        // RFC 9110 §8.6: Content-Length fields that agree (framing checked they do) are passed on
        // as one, as h11 reads them, so a function's event never holds the length twice.
        if let first = names.firstIndex(of: "content-length") {
            let repeated = names.indices.filter { $0 > first && names[$0] == "content-length" }
            for index in repeated.reversed() {
                fields.remove(at: index)
                names.remove(at: index)
            }
        }
        self.fields = fields
        expectsContinue = version == "HTTP/1.1" && framing != .none
            && zip(names, fields).contains { $0 == "expect" && $1.value.lowercased() == "100-continue" }
        let connection = zip(names, fields).filter { $0.0 == "connection" }.map { $0.1.value.lowercased() }.joined(separator: ",")
        let options = connection.utf8.split(separator: UInt8(ascii: ",")).map { String(decoding: HTTPField.trimmingOptionalWhiteSpace($0), as: UTF8.self) }
        keepAlive = version == "HTTP/1.1" ? !options.contains("close") : options.contains("keep-alive")
    }

    private static func lines(_ bytes: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var lineStart = bytes.startIndex
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == 0x0D, index + 1 < bytes.endIndex, bytes[index + 1] == 0x0A {
                lines.append(bytes[lineStart..<index])
                index += 2
                lineStart = index
            } else {
                index += 1
            }
        }
        lines.append(bytes[lineStart..<bytes.endIndex])
        return lines
    }

    /// `name: value`; no white space before the colon, no folding, no control characters.
    static func field(_ line: ArraySlice<UInt8>) throws(HTTPParseError) -> HTTPField {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
              line[line.startIndex..<colon].allSatisfy(isTokenCharacter)
        else { throw .malformed("header field") }
        let value = line[(colon + 1)...]
        guard value.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }) else { throw .malformed("header value") }
        return HTTPField(
            name: String(decoding: line[line.startIndex..<colon], as: UTF8.self),
            value: String(decoding: HTTPField.trimmingOptionalWhiteSpace(value), as: UTF8.self))
    }

    /// RFC 9112 §6: chunked wins, but a request with both framings is refused (the classic
    /// request-smuggling shape), as is any coding but chunked and any disagreeing Content-Length.
    private static func framing(_ fields: [HTTPField], names: [String]) throws(HTTPParseError) -> Framing {
        let codings = zip(names, fields).filter { $0.0 == "transfer-encoding" }.map(\.1)
        let lengths = zip(names, fields).filter { $0.0 == "content-length" }.map(\.1.value)
        if !codings.isEmpty {
            guard lengths.isEmpty else { throw .malformed("both Transfer-Encoding and Content-Length") }
            guard codings.count == 1, codings[0].value.lowercased() == "chunked" else {
                throw .unsupported("transfer coding")
            }
            return .chunked
        }
        guard let first = lengths.first else { return .none }
        guard lengths.allSatisfy({ $0 == first }), !first.isEmpty, first.utf8.count <= 15,
              first.utf8.allSatisfy({ $0 &- UInt8(ascii: "0") < 10 }), let length = Int(first)
        else { throw .malformed("Content-Length") }
        return length == 0 ? .none : .length(length)
    }

    /// RFC 9110 §5.6.2 `tchar`.
    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
             UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
             UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }
}
