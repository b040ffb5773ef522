/// Standard padded base64 (RFC 4648 §4), as API Gateway encodes binary bodies
/// (`isBase64Encoded: true`).
///
/// Strict where Foundation's `Data(base64Encoded:)` is not: the length must be a multiple of
/// four, `=` may only end the text (at most two), and nothing outside the alphabet is skipped;
/// unused trailing bits are ignored, as Foundation ignores them. API Gateway's own encodings
/// decode identically either way (tested differentially against Foundation).
enum Base64 {
    private static let sextets: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, character) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(character)] = UInt8(value)
        }
        return table
    }()

    /// The bytes `text` encodes, or nil when it is not padded base64.
    static func decode(_ text: String) -> [UInt8]? {
        let characters = Array(text.utf8)
        guard characters.count % 4 == 0 else { return nil }
        let padding = characters.suffix(2).reversed().prefix { $0 == UInt8(ascii: "=") }.count
        var bytes: [UInt8] = []
        bytes.reserveCapacity(characters.count / 4 * 3)
        var accumulator: UInt32 = 0
        for (index, character) in characters.dropLast(padding).enumerated() {
            let sextet = sextets[Int(character)]
            guard sextet < 64 else { return nil }
            accumulator = accumulator << 6 | UInt32(sextet)
            if index % 4 == 3 {
                bytes.append(UInt8(truncatingIfNeeded: accumulator >> 16))
                bytes.append(UInt8(truncatingIfNeeded: accumulator >> 8))
                bytes.append(UInt8(truncatingIfNeeded: accumulator))
                accumulator = 0
            }
        }
        switch padding {
        case 1:  // 18 bits: two bytes
            bytes.append(UInt8(truncatingIfNeeded: accumulator >> 10))
            bytes.append(UInt8(truncatingIfNeeded: accumulator >> 2))
        case 2:  // 12 bits: one byte
            bytes.append(UInt8(truncatingIfNeeded: accumulator >> 4))
        default:
            break
        }
        return bytes
    }
}
