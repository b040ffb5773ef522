/// Reads HTTP/1.1 responses from the bytes of a client connection (status line, headers, a
/// Content-Length or chunked body). The client side of `HTTPRequestParser`.
///
/// It works on bytes and makes no string until a header is looked up: it runs inside every
/// Lambda invocation (twice), so its cost is billed.
public struct HTTPResponseParser: Sendable {
    /// A response as read.
    public struct Response: Sendable, Equatable {
        /// The status code.
        public let status: Int
        /// The body, de-chunked.
        public let body: [UInt8]
        /// The header section (without the status line), and where each field's name and value lie in it.
        private let head: [UInt8]
        private let fields: [FieldBounds]

        fileprivate init(status: Int, head: [UInt8], fields: [FieldBounds], body: [UInt8]) {
            self.status = status
            self.head = head
            self.fields = fields
            self.body = body
        }

        /// The value of the first field named `name`, compared case-insensitively.
        public func header(_ name: String) -> String? {
            var name = name
            return name.withUTF8 { wanted in
                head.withUnsafeBufferPointer { head in
                    fields.first { Self.equalIgnoringASCIICase(head, $0.name, wanted) }.map { String(decoding: head[$0.value], as: UTF8.self) }
                }
            }
        }

        /// Header fields in order, names as sent.
        public var headers: [HTTPField] {
            fields.map { HTTPField(name: String(decoding: head[$0.name], as: UTF8.self), value: String(decoding: head[$0.value], as: UTF8.self)) }
        }

        public static func == (left: Response, right: Response) -> Bool {
            left.status == right.status && left.headers == right.headers && left.body == right.body
        }

        /// Whether `head[range]` and `other` are the same ASCII letters in any case (the `| 0x20`
        /// folds case; header names are tokens, where no other byte pair folds together).
        fileprivate static func equalIgnoringASCIICase(_ head: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ other: UnsafeBufferPointer<UInt8>) -> Bool {
            guard range.count == other.count else { return false }
            for offset in 0..<other.count where head[range.lowerBound + offset] | 0x20 != other[offset] | 0x20 { return false }
            return true
        }
    }

    fileprivate struct FieldBounds: Sendable {
        let name: Range<Int>
        let value: Range<Int>
    }

    private static let headLimit = 64 * 1024
    private var buffer: [UInt8] = []
    /// Where the head's end was last looked for, so bytes arriving one by one are scanned once.
    private var scanned = 0
    private let maximumBodyByteCount: Int

    /// A parser accepting bodies up to `maximumBodyByteCount`.
    public init(maximumBodyByteCount: Int = 6 * 1024 * 1024 + 1024) {
        self.maximumBodyByteCount = maximumBodyByteCount
    }

    /// Adds received bytes.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        buffer.append(contentsOf: bytes)
    }

    /// The next complete response, nil when more bytes are needed.
    public mutating func next() throws(HTTPParseError) -> Response? {
        guard let headEnd = findHeadEnd() else {
            if buffer.count > Self.headLimit { throw .headersTooLarge(limit: Self.headLimit) }
            return nil
        }
        let (status, fieldsStart) = try Self.statusLine(buffer, end: headEnd)
        let head = Array(buffer[fieldsStart..<headEnd])
        let fields = try Self.fields(head)
        let bodyStart = headEnd + 4
        let body: [UInt8]
        let end: Int
        switch try framing(head, fields) {
        case .chunked:
            guard let (chunked, after) = try ChunkedBody.read(buffer, from: bodyStart, limit: maximumBodyByteCount) else { return nil }
            (body, end) = (chunked, after)
        case .length(let length):
            guard length <= maximumBodyByteCount else { throw .bodyTooLarge(limit: maximumBodyByteCount) }
            guard buffer.count - bodyStart >= length else { return nil }
            (body, end) = (Array(buffer[bodyStart..<(bodyStart + length)]), bodyStart + length)
        }
        if end == buffer.count { buffer.removeAll(keepingCapacity: true) } else { buffer.removeFirst(end) }
        scanned = 0
        return Response(status: status, head: head, fields: fields, body: body)
    }

    /// Where `\r\n\r\n` starts; remembers how far it looked (or where it found it), so a head
    /// that arrives in pieces, or a body that follows its head later, is not scanned again.
    private mutating func findHeadEnd() -> Int? {
        var index = scanned
        let found: Int? = buffer.withUnsafeBufferPointer { bytes in
            while index + 3 < bytes.count {
                if bytes[index + 3] != 0x0A { index += bytes[index + 3] == 0x0D ? 1 : 4; continue }
                if bytes[index] == 0x0D, bytes[index + 1] == 0x0A, bytes[index + 2] == 0x0D { return index }
                index += 1
            }
            return nil
        }
        scanned = found ?? index
        return found
    }

    /// `HTTP/1.x NNN reason\r\n`: the status and where the header fields start.
    private static func statusLine(_ bytes: [UInt8], end: Int) throws(HTTPParseError) -> (Int, Int) {
        let prefix = Array("HTTP/1.".utf8)
        guard end >= 12, bytes[0..<7].elementsEqual(prefix), bytes[7] &- 0x30 < 10, bytes[8] == 0x20,
              bytes[9..<12].allSatisfy({ $0 &- 0x30 < 10 }), end == 12 || bytes[12] == 0x20 || bytes[12] == 0x0D
        else { throw .malformed("status line") }
        let status = bytes[9..<12].reduce(0) { $0 * 10 + Int($1 - 0x30) }
        var lineEnd = 12
        while lineEnd < end, bytes[lineEnd] != 0x0D { lineEnd += 1 }
        return (status, min(lineEnd + 2, end))
    }

    /// Each `name: value\r\n` of the header section; no white space before the colon.
    private static func fields(_ head: [UInt8]) throws(HTTPParseError) -> [FieldBounds] {
        var fields: [FieldBounds] = []
        fields.reserveCapacity(12)
        let valid = head.withUnsafeBufferPointer { head in
            var lineStart = 0
            while lineStart < head.count {
                var lineEnd = lineStart
                while lineEnd < head.count, head[lineEnd] != 0x0D { lineEnd += 1 }
                var colon = lineStart
                while colon < lineEnd, HTTPRequestHead.isTokenCharacter(head[colon]) { colon += 1 }
                guard colon > lineStart, colon < lineEnd, head[colon] == UInt8(ascii: ":") else { return false }
                var valueStart = colon + 1, valueEnd = lineEnd
                while valueStart < valueEnd, head[valueStart] == 0x20 || head[valueStart] == 0x09 { valueStart += 1 }
                while valueEnd > valueStart, head[valueEnd - 1] == 0x20 || head[valueEnd - 1] == 0x09 { valueEnd -= 1 }
                fields.append(FieldBounds(name: lineStart..<colon, value: valueStart..<valueEnd))
                lineStart = lineEnd + 2
            }
            return true
        }
        guard valid else { throw .malformed("header field") }
        return fields
    }

    private enum Framing {
        case length(Int)
        case chunked
    }

    private func framing(_ head: [UInt8], _ fields: [FieldBounds]) throws(HTTPParseError) -> Framing {
        let (coding, length) = head.withUnsafeBufferPointer { head in
            (Self.value(of: "transfer-encoding", in: head, fields), Self.value(of: "content-length", in: head, fields))
        }
        if let coding {
            guard coding.count == 7, coding.lowercased() == "chunked" else { throw .unsupported("transfer coding") }
            return .chunked
        }
        guard let length else { return .length(0) }
        guard !length.isEmpty, length.utf8.count <= 15, length.utf8.allSatisfy({ $0 &- 0x30 < 10 }), let count = Int(length) else {
            throw .malformed("Content-Length")
        }
        return .length(count)
    }

    private static func value(of name: StaticString, in head: UnsafeBufferPointer<UInt8>, _ fields: [FieldBounds]) -> String? {
        let wanted = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        return fields.first { Response.equalIgnoringASCIICase(head, $0.name, wanted) }.map { String(decoding: head[$0.value], as: UTF8.self) }
    }
}
