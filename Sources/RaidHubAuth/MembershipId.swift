/// A Bungie.net or Destiny membership id: 1...Int64.max, written as canonical decimal text.
///
/// Ids travel as strings because a JSON number loses precision past 2^53, and Destiny ids are
/// around 4.6e18.
public struct MembershipId: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The id's value.
    public let value: Int64

    /// An id of `value`, when it is at least 1.
    public init?(_ value: Int64) {
        guard value >= 1 else { return nil }
        self.value = value
    }

    /// Why text is not a membership id.
    public enum ParseFailure: Error, Sendable, Equatable {
        /// Empty, or a character other than the digits 0-9 (a sign, a space, a trailing `n`...).
        case notDecimalDigits
        /// Zero.
        case tooSmall
        /// Larger than `Int64.max`.
        case tooBig
    }

    /// Parses decimal digits, ignoring leading zeros.
    public static func parse(_ text: String) -> Result<MembershipId, ParseFailure> {
        var text = text
        return text.withUTF8(parse(digits:))
    }

    private static func parse(digits: UnsafeBufferPointer<UInt8>) -> Result<MembershipId, ParseFailure> {
        guard !digits.isEmpty, digits.allSatisfy({ $0 &- UInt8(ascii: "0") < 10 }) else {
            return .failure(.notDecimalDigits)
        }
        var value: Int64 = 0
        for digit in digits {
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int64(digit - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { return .failure(.tooBig) }
            value = sum
        }
        guard let id = MembershipId(value) else { return .failure(.tooSmall) }
        return .success(id)
    }

    /// Canonical decimal: no sign, no leading zeros.
    public var description: String { String(value) }

    /// Orders by value.
    public static func < (lhs: MembershipId, rhs: MembershipId) -> Bool { lhs.value < rhs.value }
}
