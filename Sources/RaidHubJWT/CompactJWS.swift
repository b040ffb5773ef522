/// A compact JWS split into its three segments and decoded, before any of it is trusted.
struct CompactJWS {
    /// `header.payload`: the bytes the signature covers.
    let signingInput: Range<Int>
    let headerSegment: Range<Int>
    let payload: [UInt8]
    let signature: [UInt8]

    /// Splits and decodes `token`: exactly two dots, no empty segment, strict base64url throughout.
    /// The header stays encoded here: RaidHub's own header is recognised by its encoding alone.
    init(_ token: UnsafeBufferPointer<UInt8>) throws(JWTVerificationError) {
        var dots: [Int] = []
        for (offset, byte) in token.enumerated() where byte == UInt8(ascii: ".") {
            dots.append(offset)
            guard dots.count <= 2 else { break }
        }
        guard dots.count == 2 else {
            let segments = dots.count > 2 ? token.lazy.filter { $0 == UInt8(ascii: ".") }.count + 1 : dots.count + 1
            throw .wrongSegmentCount(segments)
        }
        headerSegment = 0..<dots[0]
        let payloadSegment = (dots[0] + 1)..<dots[1]
        let signatureSegment = (dots[1] + 1)..<token.count
        for (segment, range) in [(JWTSegment.header, headerSegment), (.payload, payloadSegment), (.signature, signatureSegment)]
        where range.isEmpty {
            throw .emptySegment(segment)
        }
        signingInput = 0..<dots[1]
        payload = try Self.decode(token, payloadSegment, as: .payload)
        signature = try Self.decode(token, signatureSegment, as: .signature)
    }

    static func decode(
        _ token: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, as segment: JWTSegment
    ) throws(JWTVerificationError) -> [UInt8] {
        do {
            return try Base64URL.decode(UnsafeBufferPointer(rebasing: token[range]))
        } catch {
            throw .invalidBase64URL(segment, error)
        }
    }
}
