/// A JSON number kept as its exact text, so that no value loses precision on the way in.
public struct JSONNumber: Sendable, Equatable, CustomStringConvertible {
    /// The number exactly as written in the document (already checked against RFC 8259's grammar).
    public let text: String

    /// A number with this text; `JSONParser` only makes ones that follow the grammar.
    public init(text: String) {
        self.text = text
    }

    /// The value when the text is an integer (no fraction, no exponent) that fits in `Int64`.
    ///
    /// `1.0` and `1e3` are not integers here: a JWT `iat` written that way is refused, as PyJWT does.
    public var int64Value: Int64? {
        var text = text
        return text.withUTF8(Self.int64Value(of:))
    }

    private static func int64Value(of text: UnsafeBufferPointer<UInt8>) -> Int64? {
        let negative = text.first == UInt8(ascii: "-")
        let digits = UnsafeBufferPointer(rebasing: text[(negative ? 1 : 0)...])
        guard !digits.isEmpty else { return nil }
        var magnitude: UInt64 = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { return nil }
            magnitude = sum
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    /// Whether the text has neither a fraction nor an exponent (whatever its magnitude).
    public var isInteger: Bool {
        var text = text
        return text.withUTF8 { digits in
            !digits.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
        }
    }

    /// The text, as written.
    public var description: String { text }
}
