/// Mints compact HS256 JWS tokens with the header RaidHub's service writes.
public struct JWTSigner: Sendable {
    /// `{"alg":"HS256","typ":"JWT"}`, the exact header bytes of every RaidHub token.
    public static let header = Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8)
    /// The header, base64url-encoded once.
    static let encodedHeader = Array(Base64URL.encode(header).utf8)
    /// A 32-byte MAC in base64url.
    private static let encodedSignatureCount = 43

    private let key: HS256Key

    /// A signer that signs with `key`.
    public init(key: HS256Key) {
        self.key = key
    }

    /// The token whose payload is exactly `payload` (compact JSON bytes the caller wrote).
    ///
    /// The token is written straight into the string's storage, and the MAC is computed over the
    /// part already written, so minting allocates once.
    public func sign(payload: UnsafeRawBufferPointer) -> String {
        let header = Self.encodedHeader
        let signingInputCount = header.count + 1 + Base64URL.encodedCount(ofByteCount: payload.count)
        return String(unsafeUninitializedCapacity: signingInputCount + 1 + Self.encodedSignatureCount) { token in
            let start = token.baseAddress!
            _ = token.initialize(fromContentsOf: header)
            start[header.count] = UInt8(ascii: ".")
            Base64URL.encode(payload, into: start + header.count + 1)
            let signature = key.mac.authenticationCode(for: UnsafeRawBufferPointer(start: start, count: signingInputCount))
            start[signingInputCount] = UInt8(ascii: ".")
            signature.withUnsafeBytes { Base64URL.encode($0, into: start + signingInputCount + 1) }
            return token.count
        }
    }

    /// The token whose payload is exactly `payload`.
    public func sign(payload: [UInt8]) -> String {
        payload.withUnsafeBytes { sign(payload: $0) }
    }
}
