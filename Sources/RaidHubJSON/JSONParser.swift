/// Reads one JSON text (RFC 8259) strictly: duplicate keys, invalid UTF-8, lone surrogates,
/// trailing content and nesting past `maximumDepth` are errors, never silently resolved.
///
/// Foundation's two JSON readers disagree on which copy of a duplicated key wins, and a token or
/// request that means different things to different readers is a security bug; hence this reader.
public struct JSONParser {
    /// How deeply arrays and objects may nest; a bound on recursion, so no input can exhaust the stack.
    public static let maximumDepth = 64

    /// Objects with more members than this check duplicates with a set instead of a scan.
    private static let linearDuplicateScanLimit = 16

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Parses `document`, which must hold exactly one JSON value (surrounding white space allowed).
    public static func parse(_ document: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONValue {
        try parse(buffer: document).get()
    }

    /// Parses `document` as `parse(_:)` does. (Concrete overloads keep hot callers in other
    /// modules off the unspecialised generic path.)
    public static func parse(_ document: [UInt8]) throws(JSONParseError) -> JSONValue {
        try document.withUnsafeBufferPointer { parse(buffer: $0) }.get()
    }

    /// Parses the UTF-8 of `document` as `parse(_:)` does.
    public static func parse(_ document: String) throws(JSONParseError) -> JSONValue {
        var document = document
        return try document.withUTF8 { parse(buffer: $0) }.get()
    }

    /// Parses any contiguous or non-contiguous bytes as `parse(_:)` does.
    public static func parse(_ document: some Collection<UInt8>) throws(JSONParseError) -> JSONValue {
        let result = document.withContiguousStorageIfAvailable { parse(buffer: $0) }
        return try (result ?? Array(document).withUnsafeBufferPointer { parse(buffer: $0) }).get()
    }

    private static func parse(buffer: UnsafeBufferPointer<UInt8>) -> Result<JSONValue, JSONParseError> {
        var parser = JSONParser(bytes: buffer)
        return Result { () throws(JSONParseError) in try parser.parseDocument() }
    }

    private mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        let value = try parseValue(depth: 0)
        skipWhitespace()
        guard index == bytes.count else { throw error(.trailingContent) }
        return value
    }

    private func error(_ reason: JSONParseError.Reason) -> JSONParseError {
        JSONParseError(reason: reason, offset: index)
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        guard index < bytes.count else { throw error(.unexpectedEnd) }
        switch bytes[index] {
        case UInt8(ascii: "{"): return .object(try parseObject(depth: depth + 1))
        case UInt8(ascii: "["): return .array(try parseArray(depth: depth + 1))
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error(.unexpectedCharacter)
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - index >= count else { throw error(.unexpectedEnd) }
        for offset in 0..<count where bytes[index + offset] != literal.utf8Start[offset] {
            index += offset
            throw error(.unexpectedCharacter)
        }
        index += count
    }

    private mutating func expect(_ byte: UInt8) throws(JSONParseError) {
        skipWhitespace()
        guard index < bytes.count else { throw error(.unexpectedEnd) }
        guard bytes[index] == byte else { throw error(.unexpectedCharacter) }
        index += 1
    }

    /// Consumes `byte` after optional white space when it is next; otherwise leaves the cursor.
    private mutating func consume(_ byte: UInt8) -> Bool {
        skipWhitespace()
        if index < bytes.count, bytes[index] == byte {
            index += 1
            return true
        }
        return false
    }

    private mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONObject {
        guard depth <= Self.maximumDepth else { throw error(.tooDeep(limit: Self.maximumDepth)) }
        index += 1  // {
        var members: [JSONObject.Member] = []
        var seenKeys: Set<String> = []
        if consume(UInt8(ascii: "}")) { return JSONObject(members: members) }
        repeat {
            skipWhitespace()
            guard index < bytes.count else { throw error(.unexpectedEnd) }
            guard bytes[index] == UInt8(ascii: "\"") else { throw error(.unexpectedCharacter) }
            let keyOffset = index
            let key = try parseString()
            if isDuplicate(key, in: members, seenKeys: &seenKeys) {
                throw JSONParseError(reason: .duplicateKey, offset: keyOffset, path: [.key(key)])
            }
            try expect(UInt8(ascii: ":"))
            let value: JSONValue
            do { value = try parseValue(depth: depth) } catch { throw error.nested(in: .key(key)) }
            members.append(JSONObject.Member(key: key, value: value))
        } while consume(UInt8(ascii: ","))
        try expect(UInt8(ascii: "}"))
        return JSONObject(members: members)
    }

    private func isDuplicate(
        _ key: String, in members: [JSONObject.Member], seenKeys: inout Set<String>
    ) -> Bool {
        if members.count < Self.linearDuplicateScanLimit {
            return members.contains { $0.key == key }
        }
        if seenKeys.isEmpty { seenKeys = Set(members.map(\.key)) }
        return !seenKeys.insert(key).inserted
    }

    private mutating func parseArray(depth: Int) throws(JSONParseError) -> [JSONValue] {
        guard depth <= Self.maximumDepth else { throw error(.tooDeep(limit: Self.maximumDepth)) }
        index += 1  // [
        var elements: [JSONValue] = []
        if consume(UInt8(ascii: "]")) { return elements }
        repeat {
            do { elements.append(try parseValue(depth: depth)) } catch {
                throw error.nested(in: .index(elements.count))
            }
        } while consume(UInt8(ascii: ","))
        try expect(UInt8(ascii: "]"))
        return elements
    }

    private mutating func parseNumber() throws(JSONParseError) -> JSONNumber {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count else { throw error(.invalidNumber) }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            guard skipDigits() > 0 else { throw error(.invalidNumber) }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard skipDigits() > 0 else { throw error(.invalidNumber) }
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard skipDigits() > 0 else { throw error(.invalidNumber) }
        }
        return JSONNumber(text: String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
    }

    private mutating func skipDigits() -> Int {
        let start = index
        while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 { index += 1 }
        return index - start
    }

    private mutating func parseString() throws(JSONParseError) -> String {
        index += 1  // opening quote
        let start = index
        var highBits: UInt8 = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let raw = UnsafeBufferPointer(rebasing: bytes[start..<index])
                index += 1
                // ASCII needs no UTF-8 validation; the generic validator costs more than the parse.
                return highBits & 0x80 == 0 ? String(decoding: raw, as: UTF8.self) : try validatedString(raw, offset: start)
            }
            highBits |= byte
            if byte == UInt8(ascii: "\\") { return try parseEscapedString(from: start) }
            if byte < 0x20 { throw error(.controlCharacterInString) }
            index += 1
        }
        throw error(.unexpectedEnd)
    }

    private func validatedString(_ raw: some Collection<UInt8>, offset: Int) throws(JSONParseError) -> String {
        guard let string = String(validating: raw, as: UTF8.self) else {
            throw JSONParseError(reason: .invalidUTF8, offset: offset)
        }
        return string
    }

    /// The slow path, taken only by strings that hold a backslash.
    private mutating func parseEscapedString(from start: Int) throws(JSONParseError) -> String {
        var unescaped = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return try validatedString(unescaped, offset: start)
            case UInt8(ascii: "\\"):
                index += 1
                try appendEscape(to: &unescaped)
            case ..<0x20:
                throw error(.controlCharacterInString)
            default:
                unescaped.append(byte)
                index += 1
            }
        }
        throw error(.unexpectedEnd)
    }

    private mutating func appendEscape(to unescaped: inout [UInt8]) throws(JSONParseError) {
        guard index < bytes.count else { throw error(.unexpectedEnd) }
        let escape = bytes[index]
        index += 1
        switch escape {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): unescaped.append(escape)
        case UInt8(ascii: "b"): unescaped.append(0x08)
        case UInt8(ascii: "f"): unescaped.append(0x0C)
        case UInt8(ascii: "n"): unescaped.append(0x0A)
        case UInt8(ascii: "r"): unescaped.append(0x0D)
        case UInt8(ascii: "t"): unescaped.append(0x09)
        case UInt8(ascii: "u"): try appendUnicodeEscape(to: &unescaped)
        default:
            index -= 1
            throw error(.invalidEscape)
        }
    }

    /// `\uXXXX`, pairing a high surrogate with the `\uXXXX` low surrogate that must follow it.
    private mutating func appendUnicodeEscape(to unescaped: inout [UInt8]) throws(JSONParseError) {
        var scalar = UInt32(try readHexQuad())
        if (0xD800...0xDBFF).contains(scalar) {
            guard bytes.count - index >= 2, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
            else { throw error(.invalidUnicodeEscape) }
            index += 2
            let low = UInt32(try readHexQuad())
            guard (0xDC00...0xDFFF).contains(low) else { throw error(.invalidUnicodeEscape) }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let unicodeScalar = Unicode.Scalar(scalar) else { throw error(.invalidUnicodeEscape) }
        unescaped.append(contentsOf: String(Character(unicodeScalar)).utf8)
    }

    private mutating func readHexQuad() throws(JSONParseError) -> UInt16 {
        var value: UInt16 = 0
        for _ in 0..<4 {
            guard index < bytes.count else { throw error(.unexpectedEnd) }
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error(.invalidUnicodeEscape)
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }
}
