/// Unpadded base64url (RFC 4648 §5) as JWS uses it: encoding never pads, decoding is strict.
///
/// Both directions write into storage allocated once at its final size: these run on every token
/// minted and verified, and a per-byte `append` costs more than the encoding itself.
public enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    /// Sextet of each byte; `invalid` for bytes outside the alphabet and `padding` for `=`.
    private static let sextets: [UInt8] = {
        var table = [UInt8](repeating: invalid, count: 256)
        for (value, character) in alphabet.enumerated() { table[Int(character)] = UInt8(value) }
        table[Int(UInt8(ascii: "="))] = padding
        return table
    }()
    private static let invalid: UInt8 = 0xFF
    private static let padding: UInt8 = 0xFE

    /// How many characters `byteCount` bytes encode to.
    public static func encodedCount(ofByteCount byteCount: Int) -> Int {
        (byteCount / 3) * 4 + [0, 2, 3][byteCount % 3]
    }

    /// Writes the encoding of `bytes` at `output`, which has room for `encodedCount` characters.
    public static func encode(_ bytes: UnsafeRawBufferPointer, into output: UnsafeMutablePointer<UInt8>) {
        alphabet.withUnsafeBufferPointer { table in
            var input = 0, written = 0
            let count = bytes.count
            while input + 3 <= count {
                let word = UInt32(bytes[input]) << 16 | UInt32(bytes[input + 1]) << 8 | UInt32(bytes[input + 2])
                output[written] = table[Int(word >> 18)]
                output[written + 1] = table[Int(word >> 12 & 0x3F)]
                output[written + 2] = table[Int(word >> 6 & 0x3F)]
                output[written + 3] = table[Int(word & 0x3F)]
                input += 3
                written += 4
            }
            guard input < count else { return }
            let second = input + 1 < count ? UInt32(bytes[input + 1]) : 0
            let word = UInt32(bytes[input]) << 16 | second << 8
            output[written] = table[Int(word >> 18)]
            output[written + 1] = table[Int(word >> 12 & 0x3F)]
            if input + 1 < count { output[written + 2] = table[Int(word >> 6 & 0x3F)] }
        }
    }

    /// Appends the encoding of `bytes` to `output`.
    public static func encode(_ bytes: UnsafeRawBufferPointer, appendingTo output: inout [UInt8]) {
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: encodedCount(ofByteCount: bytes.count)))
        output.withUnsafeMutableBufferPointer { encode(bytes, into: $0.baseAddress! + start) }
    }

    /// The encoding of `bytes`.
    public static func encode(_ bytes: [UInt8]) -> String {
        guard !bytes.isEmpty else { return "" }
        return bytes.withUnsafeBytes { bytes in
            String(unsafeUninitializedCapacity: encodedCount(ofByteCount: bytes.count)) { output in
                encode(bytes, into: output.baseAddress!)
                return output.count
            }
        }
    }

    /// The bytes `text` encodes. Refuses padding, characters outside the URL-safe alphabet, an
    /// impossible length and non-zero unused bits, so each byte string has exactly one spelling.
    public static func decode(_ text: UnsafeBufferPointer<UInt8>) throws(Base64URLError) -> [UInt8] {
        let remainder = text.count % 4
        let byteCount = text.count / 4 * 3 + (remainder > 1 ? remainder - 1 : 0)
        var failure: Base64URLError?
        let bytes = sextets.withUnsafeBufferPointer { table in
            [UInt8](unsafeUninitializedCapacity: byteCount) { output, initialized in
                failure = decode(text, table: table, into: output)
                initialized = failure == nil ? byteCount : 0
            }
        }
        if let failure { throw failure }
        return bytes
    }

    /// The bytes `text` encodes, decoded as `decode(_:)` does.
    public static func decode(_ text: [UInt8]) throws(Base64URLError) -> [UInt8] {
        let result = text.withUnsafeBufferPointer { text in Result { () throws(Base64URLError) in try decode(text) } }
        return try result.get()
    }

    /// The bytes `text` encodes, decoded as `decode(_:)` does.
    public static func decode(_ text: String) throws(Base64URLError) -> [UInt8] {
        try decode(Array(text.utf8))
    }

    private static func decode(
        _ text: UnsafeBufferPointer<UInt8>, table: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>
    ) -> Base64URLError? {
        // Whole quads first: four lookups, one check for all four (valid sextets are below 64).
        var position = 0, written = 0
        while position + 4 <= text.count {
            let a = table[Int(text[position])], b = table[Int(text[position + 1])]
            let c = table[Int(text[position + 2])], d = table[Int(text[position + 3])]
            if (a | b | c | d) & 0xC0 != 0 { return firstInvalid(text[position..<(position + 4)], table) }
            let word = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
            output[written] = UInt8(truncatingIfNeeded: word >> 16)
            output[written + 1] = UInt8(truncatingIfNeeded: word >> 8)
            output[written + 2] = UInt8(truncatingIfNeeded: word)
            position += 4
            written += 3
        }
        var accumulator: UInt32 = 0
        for character in text[position...] {
            let sextet = table[Int(character)]
            if sextet & 0xC0 != 0 { return sextet == padding ? .padding : .invalidCharacter }
            accumulator = accumulator << 6 | UInt32(sextet)
        }
        switch text.count % 4 {
        case 1:
            return .impossibleLength
        case 2:  // 12 bits: one byte and 4 unused bits
            guard accumulator & 0x0F == 0 else { return .nonZeroTrailingBits }
            output[written] = UInt8(truncatingIfNeeded: accumulator >> 4)
        case 3:  // 18 bits: two bytes and 2 unused bits
            guard accumulator & 0x03 == 0 else { return .nonZeroTrailingBits }
            output[written] = UInt8(truncatingIfNeeded: accumulator >> 10)
            output[written + 1] = UInt8(truncatingIfNeeded: accumulator >> 2)
        default:
            break
        }
        return nil
    }

    private static func firstInvalid(_ characters: Slice<UnsafeBufferPointer<UInt8>>, _ table: UnsafeBufferPointer<UInt8>) -> Base64URLError {
        let sextet = characters.lazy.map { table[Int($0)] }.first { $0 & 0xC0 != 0 }
        return sextet == padding ? .padding : .invalidCharacter
    }
}
