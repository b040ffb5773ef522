/// The three dot-separated parts of a compact JWS (RFC 7515 §7.1).
public enum JWTSegment: String, Sendable, Equatable, CustomStringConvertible {
    case header
    case payload
    case signature

    /// The segment's name.
    public var description: String { rawValue }
}
