/// Unpadded base64url (RFC 4648 §5) as JWS uses it: encoding never pads, decoding is strict.
public enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// How many characters `byteCount` bytes encode to.
    public static func encodedCount(ofByteCount byteCount: Int) -> Int {
        (byteCount / 3) * 4 + [0, 2, 3][byteCount % 3]
    }

    /// Appends the encoding of `bytes` to `output`.
    public static func encode(_ bytes: UnsafeRawBufferPointer, appendingTo output: inout [UInt8]) {
        alphabet.withUnsafeBufferPointer { table in
            var index = 0
            let count = bytes.count
            while index + 3 <= count {
                let word = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
                output.append(table[Int(word >> 18)])
                output.append(table[Int(word >> 12 & 0x3F)])
                output.append(table[Int(word >> 6 & 0x3F)])
                output.append(table[Int(word & 0x3F)])
                index += 3
            }
            switch count - index {
            case 1:
                let word = UInt32(bytes[index]) << 16
                output.append(table[Int(word >> 18)])
                output.append(table[Int(word >> 12 & 0x3F)])
            case 2:
                let word = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
                output.append(table[Int(word >> 18)])
                output.append(table[Int(word >> 12 & 0x3F)])
                output.append(table[Int(word >> 6 & 0x3F)])
            default:
                break
            }
        }
    }

    /// The encoding of `bytes`.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        var output = [UInt8]()
        output.reserveCapacity(encodedCount(ofByteCount: bytes.count))
        Array(bytes).withUnsafeBytes { encode($0, appendingTo: &output) }
        return String(decoding: output, as: UTF8.self)
    }

    /// The bytes `text` encodes. Refuses padding, characters outside the URL-safe alphabet, an
    /// impossible length and non-zero unused bits, so each byte string has exactly one spelling.
    public static func decode(_ text: some Collection<UInt8>) throws(Base64URLError) -> [UInt8] {
        if let result = text.withContiguousStorageIfAvailable({ decode(buffer: $0) }) {
            return try result.get()
        }
        return try Array(text).withUnsafeBufferPointer { decode(buffer: $0) }.get()
    }

    private static func decode(buffer text: UnsafeBufferPointer<UInt8>) -> Result<[UInt8], Base64URLError> {
        let remainder = text.count % 4
        var output = [UInt8]()
        output.reserveCapacity(text.count / 4 * 3 + 2)
        var accumulator: UInt32 = 0
        for (position, character) in text.enumerated() {
            guard let sextet = sextet(of: character) else {
                return .failure(character == UInt8(ascii: "=") ? .padding : .invalidCharacter)
            }
            accumulator = accumulator << 6 | UInt32(sextet)
            if position % 4 == 3 {
                output.append(UInt8(truncatingIfNeeded: accumulator >> 16))
                output.append(UInt8(truncatingIfNeeded: accumulator >> 8))
                output.append(UInt8(truncatingIfNeeded: accumulator))
                accumulator = 0
            }
        }
        switch remainder {
        case 1:
            return .failure(.impossibleLength)
        case 2:  // 12 bits: one byte and 4 unused bits
            guard accumulator & 0x0F == 0 else { return .failure(.nonZeroTrailingBits) }
            output.append(UInt8(truncatingIfNeeded: accumulator >> 4))
        case 3:  // 18 bits: two bytes and 2 unused bits
            guard accumulator & 0x03 == 0 else { return .failure(.nonZeroTrailingBits) }
            output.append(UInt8(truncatingIfNeeded: accumulator >> 10))
            output.append(UInt8(truncatingIfNeeded: accumulator >> 2))
        default:
            break
        }
        return .success(output)
    }

    @inline(__always)
    private static func sextet(of character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): character &- UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): character &- UInt8(ascii: "a") &+ 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character &- UInt8(ascii: "0") &+ 52
        case UInt8(ascii: "-"): 62
        case UInt8(ascii: "_"): 63
        default: nil
        }
    }
}
