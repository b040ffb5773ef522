@testable import RaidHubJSON
import RaidHubTestSupport
import Testing

/// The eight-bytes-at-a-time test must agree with the one-byte definition on every input.
@Suite struct ByteScanTests {
    static func needsAttention(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x22 || byte == 0x5C || byte >= 0x80
    }

    static func word(_ bytes: [UInt8]) -> UInt64 {
        bytes.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
    }

    @Test func agreesOnEveryByteAtEveryPosition() {
        for position in 0..<8 {
            for value in 0...255 {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 8)
                bytes[position] = UInt8(value)
                #expect(ByteScan.needsAttention(Self.word(bytes)) == Self.needsAttention(UInt8(value)), "byte \(value) at \(position)")
            }
        }
    }

    @Test func agreesOnRandomWords() {
        var random = SeededGenerator(seed: 8)
        let alphabet: [UInt8] = [0x00, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x5B, 0x5C, 0x5D, 0x7F, 0x80, 0xFF, 0x41, 0x61]
        for _ in 0..<100_000 {
            let bytes = (0..<8).map { _ in alphabet.randomElement(using: &random)! }
            #expect(ByteScan.needsAttention(Self.word(bytes)) == bytes.contains(where: Self.needsAttention))
        }
    }
}
