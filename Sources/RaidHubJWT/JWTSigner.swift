/// Mints compact HS256 JWS tokens with the header RaidHub's service writes.
public struct JWTSigner: Sendable {
    /// `{"alg":"HS256","typ":"JWT"}`, the exact header bytes of every RaidHub token.
    public static let header = Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8)
    /// The header, base64url-encoded once.
    static let encodedHeader = Array(Base64URL.encode(header).utf8)

    private let key: HS256Key

    /// A signer that signs with `key`.
    public init(key: HS256Key) {
        self.key = key
    }

    /// The token whose payload is exactly `payload` (compact JSON bytes the caller wrote).
    public func sign(payload: UnsafeRawBufferPointer) -> String {
        let payloadCount = Base64URL.encodedCount(ofByteCount: payload.count)
        var token = [UInt8]()
        token.reserveCapacity(Self.encodedHeader.count + 1 + payloadCount + 1 + 43)
        token.append(contentsOf: Self.encodedHeader)
        token.append(UInt8(ascii: "."))
        Base64URL.encode(payload, appendingTo: &token)
        let signature = token.withUnsafeBytes { key.mac.authenticationCode(for: $0) }
        token.append(UInt8(ascii: "."))
        signature.withUnsafeBytes { Base64URL.encode($0, appendingTo: &token) }
        return String(decoding: token, as: UTF8.self)
    }

    /// The token whose payload is exactly `payload`.
    public func sign(payload: [UInt8]) -> String {
        payload.withUnsafeBytes { sign(payload: $0) }
    }
}
