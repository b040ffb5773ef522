/// Word-at-a-time tests over eight bytes (SWAR), for scanning JSON strings: most of an API
/// Gateway event is plain ASCII text between quotes, and testing it eight bytes per step instead
/// of one is the difference between reading the event and reading it fast.
enum ByteScan {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// Whether any of the eight bytes of `word` needs a JSON string's slow path: a quote, a
    /// backslash, a control character (below 0x20) or a non-ASCII byte.
    @inline(__always)
    static func needsAttention(_ word: UInt64) -> Bool {
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        // A byte is zero (matched) or below 0x20 exactly when subtracting sets its high bit while
        // the byte itself had it clear; non-ASCII bytes have their high bit set outright.
        let zeroOrLow = ((quote &- ones) | (backslash &- ones) | (word &- ones &* 0x20)) & ~word & highBits
        return zeroOrLow | (word & highBits) != 0
    }
}
