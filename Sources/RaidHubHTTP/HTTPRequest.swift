/// One HTTP/1.1 request as read off a connection.
public struct HTTPRequest: Sendable, Equatable {
    /// The method, as sent (methods are case-sensitive).
    public var method: String
    /// The request target: path and query.
    public var target: String
    /// Header fields in the order received; names as sent. Repeated Content-Length fields (which
    /// must agree) are one, the first.
    public var headers: [HTTPField]
    /// The body, de-chunked.
    public var body: [UInt8]
    /// Whether the client asked for, or HTTP/1.1 implies, keeping the connection open.
    public var keepAlive: Bool

    /// The value of the first field named `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first(named: name)
    }

    /// The path, without the query.
    public var path: String {
        // Searched as UTF-8 bytes: Character-by-Character search cost more than parsing the head.
        guard let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return target }
        return String(target[..<mark])
    }

    /// The query after `?`, or "".
    public var query: String {
        guard let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return "" }
        return String(target[target.utf8.index(after: mark)...])
    }
}

/// One header field.
public struct HTTPField: Sendable, Equatable {
    /// The name, as sent.
    public var name: String
    /// The value, without surrounding white space.
    public var value: String

    /// A field `name: value`.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

extension HTTPField {
    /// Whether the field may go on the wire (RFC 9110 §5.1, §5.5): a name of token characters
    /// and a value without CR, LF or NUL, which would end the field (or the head) early: a
    /// value carrying `\r\nSet-Cookie: ...` must never reach a client as a second field.
    public var isValid: Bool {
        !name.isEmpty && name.utf8.allSatisfy(HTTPRequestHead.isTokenCharacter)
            && !value.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }
    }

    /// `bytes` without leading and trailing spaces and tabs, the optional white space (`OWS`) of
    /// RFC 9110 §5.6.3 around field values and list elements.
    static func trimmingOptionalWhiteSpace<Bytes: BidirectionalCollection<UInt8>>(_ bytes: Bytes) -> Bytes.SubSequence {
        let isWhiteSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 }
        let start = bytes.firstIndex { !isWhiteSpace($0) } ?? bytes.endIndex
        let end = bytes[start...].lastIndex { !isWhiteSpace($0) }.map { bytes.index(after: $0) } ?? start
        return bytes[start..<end]
    }
}

extension [HTTPField] {
    /// The value of the first field named `name`, compared case-insensitively.
    func first(named name: String) -> String? {
        let wanted = name.lowercased()
        return first { $0.name.lowercased() == wanted }?.value
    }
}
