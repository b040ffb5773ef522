import RaidHubJSON

/// Why a token was refused. Each rule has its own case; none quotes the token or any claim value,
/// so an error can be logged as it is.
public enum JWTVerificationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Longer than the verifier reads (8 KiB by default); refused before any parsing.
    case tooLarge(limitByteCount: Int)
    /// Not exactly three dot-separated segments.
    case wrongSegmentCount(Int)
    /// A segment with no characters.
    case emptySegment(JWTSegment)
    /// A segment that is not canonical unpadded base64url.
    case invalidBase64URL(JWTSegment, Base64URLError)
    /// A header or payload that is not JSON.
    case invalidJSON(JWTSegment)
    /// A header or payload with a key written twice, at any depth.
    case duplicateKey(JWTSegment)
    /// A header or payload that is JSON but not an object.
    case notAnObject(JWTSegment)
    /// `alg` absent or anything but exactly `HS256` (so `none`, `hs256`, `HS384`, `RS256`...).
    case unsupportedAlgorithm
    /// A `crit` header: no extension is understood here, so RFC 7515 §4.1.11 says refuse.
    case criticalHeader
    /// `typ` present and not `JWT`.
    case unsupportedType
    /// A signature that is not 32 bytes (e.g. truncated).
    case signatureLength(Int)
    /// A signature that matches no key of the key set.
    case signatureMismatch
    /// `iat` or `exp` missing.
    case missingClaim(String)
    /// `iat` or `exp` present but not an integer.
    case claimNotInteger(String)
    /// `iat` or `exp` outside 0...253402300799 (the years 1970 to 9999).
    case claimOutOfRange(String)
    /// `exp` is now or past.
    case expired
    /// `iat` later than now plus the leeway.
    case issuedInFuture

    /// A one-line explanation, safe to log.
    public var description: String {
        switch self {
        case .tooLarge(let limit): "token longer than \(limit) bytes"
        case .wrongSegmentCount(let count): "token has \(count) segments, not 3"
        case .emptySegment(let segment): "empty \(segment) segment"
        case .invalidBase64URL(let segment, let reason): "\(segment): \(reason)"
        case .invalidJSON(let segment): "\(segment) is not valid JSON"
        case .duplicateKey(let segment): "\(segment) has a duplicate key"
        case .notAnObject(let segment): "\(segment) is not a JSON object"
        case .unsupportedAlgorithm: "alg is not HS256"
        case .criticalHeader: "crit header is not supported"
        case .unsupportedType: "typ is not JWT"
        case .signatureLength(let count): "signature is \(count) bytes, not 32"
        case .signatureMismatch: "signature does not match"
        case .missingClaim(let name): "claim \(name) is missing"
        case .claimNotInteger(let name): "claim \(name) is not an integer"
        case .claimOutOfRange(let name): "claim \(name) is out of range"
        case .expired: "token has expired"
        case .issuedInFuture: "token is issued in the future"
        }
    }

    /// The error for a header or payload that `JSONParser` refused.
    static func parsing(_ error: JSONParseError, in segment: JWTSegment) -> JWTVerificationError {
        error.reason == .duplicateKey ? .duplicateKey(segment) : .invalidJSON(segment)
    }
}
