/// Why text is not canonical unpadded base64url (RFC 4648 §5, as JWS requires in RFC 7515 §2).
public enum Base64URLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A `=`: JWS segments are never padded.
    case padding
    /// A byte outside `A-Z a-z 0-9 - _` (this includes standard base64's `+` and `/`).
    case invalidCharacter
    /// A length of 4n+1 characters, which no byte string encodes to.
    case impossibleLength
    /// The last character carries bits past the data; only one spelling of each value is accepted.
    case nonZeroTrailingBits

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .padding: "base64url padding ('=') is not allowed"
        case .invalidCharacter: "character outside the base64url alphabet"
        case .impossibleLength: "length is not a possible base64url length"
        case .nonZeroTrailingBits: "non-canonical base64url: unused trailing bits are not zero"
        }
    }
}
