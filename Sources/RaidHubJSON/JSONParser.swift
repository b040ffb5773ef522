/// Reads one JSON text (RFC 8259) strictly: duplicate keys, invalid UTF-8, lone surrogates,
/// trailing content and nesting past `maximumDepth` are errors, never silently resolved.
///
/// Foundation's two JSON readers disagree on which copy of a duplicated key wins, and a token or
/// request that means different things to different readers is a security bug; hence this reader.
public struct JSONParser {
    /// How deeply arrays and objects may nest; a bound on recursion, so no input can exhaust the stack.
    public static let maximumDepth = 64

    /// Objects with more members than this check duplicates with a set instead of a scan.
    private static let linearDuplicateScanLimit = 64

    /// What a key that an object repeats means.
    public enum DuplicateKeys: Sendable {
        /// An error: the default, for anything that authorizes or validates.
        case refuse
        /// The last one's value, as most readers take it: for reading what another system
        /// accepts as it does (a function's answer, which API Gateway reads that way).
        case lastWins
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private let duplicateKeys: DuplicateKeys

    private init(bytes: UnsafeBufferPointer<UInt8>, duplicateKeys: DuplicateKeys = .refuse) {
        self.bytes = bytes
        self.duplicateKeys = duplicateKeys
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

    /// Parses `document` as `parse(_:)` does, a repeated key meaning what `duplicateKeys` says.
    public static func parse(_ document: [UInt8], duplicateKeys: DuplicateKeys) throws(JSONParseError) -> JSONValue {
        try document.withUnsafeBufferPointer { parse(buffer: $0, duplicateKeys: duplicateKeys) }.get()
    }

    private static func parse(buffer: UnsafeBufferPointer<UInt8>, duplicateKeys: DuplicateKeys = .refuse) -> Result<JSONValue, JSONParseError> {
        var parser = JSONParser(bytes: buffer, duplicateKeys: duplicateKeys)
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
        var keyHashes: [UInt64] = []
        var seenKeys: Set<String> = []
        /// Where each key is among `members`, built at the first repeat (`.lastWins` only).
        var positions: [String: Int] = [:]
        if consume(UInt8(ascii: "}")) { return JSONObject(members: members) }
        repeat {
            skipWhitespace()
            guard index < bytes.count else { throw error(.unexpectedEnd) }
            guard bytes[index] == UInt8(ascii: "\"") else { throw error(.unexpectedCharacter) }
            let keyOffset = index
            let (key, hash) = try parseKey()
            let repeated = isDuplicate(key, hash: hash, in: members, hashes: &keyHashes, seenKeys: &seenKeys)
            if repeated, duplicateKeys == .refuse {
                throw JSONParseError(reason: .duplicateKey, offset: keyOffset, path: [.key(key)])
            }
            try expect(UInt8(ascii: ":"))
            let value: JSONValue
            do { value = try parseValue(depth: depth) } catch { throw error.nested(in: .key(key)) }
            if repeated {
                // Found through the positions of earlier keys: a repeat costs no scan.
                if positions.isEmpty { positions = Dictionary(members.enumerated().map { ($1.key, $0) }) { $1 } }
                if let earlier = positions[key] { members[earlier] = JSONObject.Member(key: key, value: value) }
            } else {
                if !positions.isEmpty { positions[key] = members.count }
                members.append(JSONObject.Member(key: key, value: value))
            }
        } while consume(UInt8(ascii: ","))
        try expect(UInt8(ascii: "}"))
        return JSONObject(members: members)
    }

    /// Small objects compare a cheap FNV-1a hash of each key first and the keys themselves only
    /// when hashes match; large ones (an attacker's 64 KiB of keys) switch to a set, so the check
    /// stays linear overall.
    private func isDuplicate(
        _ key: String, hash: UInt64, in members: [JSONObject.Member], hashes: inout [UInt64], seenKeys: inout Set<String>
    ) -> Bool {
        if members.count < Self.linearDuplicateScanLimit {
            for (index, other) in hashes.enumerated() where other == hash && members[index].key == key { return true }
            hashes.append(hash)
            return false
        }
        if seenKeys.isEmpty { seenKeys = Set(members.map(\.key)) }
        return !seenKeys.insert(key).inserted
    }

    private static func fnv1a(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return hash
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

    /// A string's contents, as found by `scanString`.
    private enum ScannedString {
        /// No escapes: the bytes between the quotes, and whether any is non-ASCII.
        case plain(UnsafeBufferPointer<UInt8>, isASCII: Bool, offset: Int)
        /// With escapes: the unescaped bytes.
        case unescaped([UInt8], offset: Int)
    }

    private mutating func parseString() throws(JSONParseError) -> String {
        try string(from: scanString())
    }

    /// A member name and its FNV-1a hash, computed on the bytes while they are at hand.
    private mutating func parseKey() throws(JSONParseError) -> (String, UInt64) {
        let scanned = try scanString()
        switch scanned {
        case .plain(let bytes, _, _): return (try string(from: scanned), Self.fnv1a(bytes))
        case .unescaped(let bytes, _): return (try string(from: scanned), bytes.withUnsafeBufferPointer(Self.fnv1a))
        }
    }

    private func string(from scanned: ScannedString) throws(JSONParseError) -> String {
        switch scanned {
        case .plain(let bytes, let isASCII, let offset):
            // ASCII needs no UTF-8 validation; the generic validator costs more than the parse.
            return isASCII ? String(decoding: bytes, as: UTF8.self) : try validatedString(bytes, offset: offset)
        case .unescaped(let bytes, let offset):
            return try validatedString(bytes, offset: offset)
        }
    }

    private mutating func scanString() throws(JSONParseError) -> ScannedString {
        index += 1  // opening quote
        let start = index
        var highBits: UInt8 = 0
        while true {
            skipPlainASCII()
            guard index < bytes.count else { throw error(.unexpectedEnd) }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let raw = UnsafeBufferPointer(rebasing: bytes[start..<index])
                index += 1
                return .plain(raw, isASCII: highBits & 0x80 == 0, offset: start)
            }
            if byte == UInt8(ascii: "\\") { return .unescaped(try unescapeString(from: start), offset: start) }
            if byte < 0x20 { throw error(.controlCharacterInString) }
            highBits |= byte
            index += 1
        }
    }

    /// Skips eight bytes at a time while none of them is a quote, a backslash, a control
    /// character or non-ASCII; the byte loop then handles whatever stopped it.
    private mutating func skipPlainASCII() {
        guard let base = bytes.baseAddress else { return }
        while index + 8 <= bytes.count {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
            if ByteScan.needsAttention(word) { return }
            index += 8
        }
    }

    private func validatedString(_ raw: some Collection<UInt8>, offset: Int) throws(JSONParseError) -> String {
        guard let string = String(validating: raw, as: UTF8.self) else {
            throw JSONParseError(reason: .invalidUTF8, offset: offset)
        }
        return string
    }

    /// The slow path, taken only by strings that hold a backslash: plain runs are copied whole.
    private mutating func unescapeString(from start: Int) throws(JSONParseError) -> [UInt8] {
        var unescaped = [UInt8]()
        unescaped.reserveCapacity(index - start + 16)
        var runStart = start
        while true {
            skipPlainASCII()
            guard index < bytes.count else { throw error(.unexpectedEnd) }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                unescaped.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                index += 1
                return unescaped
            case UInt8(ascii: "\\"):
                unescaped.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                index += 1
                try appendEscape(to: &unescaped)
                runStart = index
            case ..<0x20:
                throw error(.controlCharacterInString)
            default:
                index += 1
            }
        }
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
