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
            let wanted = Array(name.utf8)
            return fields.first { Self.equalIgnoringASCIICase(head[$0.name], wanted) }.map { String(decoding: head[$0.value], as: UTF8.self) }
        }

        /// Header fields in order, names as sent.
        public var headers: [HTTPField] {
            fields.map { HTTPField(name: String(decoding: head[$0.name], as: UTF8.self), value: String(decoding: head[$0.value], as: UTF8.self)) }
        }

        public static func == (left: Response, right: Response) -> Bool {
            left.status == right.status && left.headers == right.headers && left.body == right.body
        }

        fileprivate static func equalIgnoringASCIICase(_ bytes: ArraySlice<UInt8>, _ lowercaseOrNot: [UInt8]) -> Bool {
            bytes.count == lowercaseOrNot.count && zip(bytes, lowercaseOrNot).allSatisfy { $0 | 0x20 == $1 | 0x20 }
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
        var lineStart = 0
        while lineStart < head.count {
            var lineEnd = lineStart
            while lineEnd < head.count, head[lineEnd] != 0x0D { lineEnd += 1 }
            guard let colon = head[lineStart..<lineEnd].firstIndex(of: UInt8(ascii: ":")), colon > lineStart,
                  head[lineStart..<colon].allSatisfy(HTTPRequestHead.isTokenCharacter)
            else { throw .malformed("header field") }
            let value = HTTPField.trimmingOptionalWhiteSpace(head[(colon + 1)..<lineEnd])
            fields.append(FieldBounds(name: lineStart..<colon, value: value.startIndex..<value.endIndex))
            lineStart = lineEnd + 2
        }
        return fields
    }

    private enum Framing {
        case length(Int)
        case chunked
    }

    private func framing(_ head: [UInt8], _ fields: [FieldBounds]) throws(HTTPParseError) -> Framing {
        let transferEncoding = Array("transfer-encoding".utf8), contentLength = Array("content-length".utf8)
        if let coding = fields.first(where: { Response.equalIgnoringASCIICase(head[$0.name], transferEncoding) }) {
            guard Response.equalIgnoringASCIICase(head[coding.value], Array("chunked".utf8)) else { throw .unsupported("transfer coding") }
            return .chunked
        }
        guard let length = fields.first(where: { Response.equalIgnoringASCIICase(head[$0.name], contentLength) }) else { return .length(0) }
        let digits = head[length.value]
        guard !digits.isEmpty, digits.count <= 15, digits.allSatisfy({ $0 &- 0x30 < 10 }) else { throw .malformed("Content-Length") }
        return .length(digits.reduce(0) { $0 * 10 + Int($1 - 0x30) })
    }
}
