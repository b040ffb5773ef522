/// A compact JWS split into its three segments and decoded, before any of it is trusted.
struct CompactJWS {
    /// `header.payload`: the bytes the signature covers.
    let signingInput: UnsafeBufferPointer<UInt8>
    /// The header as sent, still encoded: RaidHub's own header is recognised by its encoding alone.
    let encodedHeader: UnsafeBufferPointer<UInt8>
    let payload: [UInt8]
    let signature: [UInt8]

    /// Splits and decodes `token`: exactly two dots, no empty segment, strict base64url throughout.
    init(_ token: UnsafeBufferPointer<UInt8>) throws(JWTVerificationError) {
        let dot = UInt8(ascii: ".")
        guard let firstDot = token.firstIndex(of: dot) else { throw .wrongSegmentCount(1) }
        guard let secondDot = token[(firstDot + 1)...].firstIndex(of: dot) else { throw .wrongSegmentCount(2) }
        if token[(secondDot + 1)...].contains(dot) {
            throw .wrongSegmentCount(3 + token[(secondDot + 1)...].lazy.filter { $0 == dot }.count)
        }
        guard firstDot > 0 else { throw .emptySegment(.header) }
        guard secondDot > firstDot + 1 else { throw .emptySegment(.payload) }
        guard secondDot + 1 < token.count else { throw .emptySegment(.signature) }
        encodedHeader = UnsafeBufferPointer(rebasing: token[..<firstDot])
        signingInput = UnsafeBufferPointer(rebasing: token[..<secondDot])
        payload = try Self.decode(UnsafeBufferPointer(rebasing: token[(firstDot + 1)..<secondDot]), as: .payload)
        signature = try Self.decode(UnsafeBufferPointer(rebasing: token[(secondDot + 1)...]), as: .signature)
    }

    static func decode(_ segment: UnsafeBufferPointer<UInt8>, as name: JWTSegment) throws(JWTVerificationError) -> [UInt8] {
        do {
            return try Base64URL.decode(segment)
        } catch {
            throw .invalidBase64URL(name, error)
        }
    }
}
