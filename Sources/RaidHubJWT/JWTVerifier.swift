import RaidHubJSON

/// Checks compact HS256 tokens: structure, header, signature under a key set, then `iat`/`exp`.
///
/// The signature is checked before the payload is parsed, so a forged token's claims are never read.
public struct JWTVerifier: Sendable {
    /// Clock skew tolerated for `iat`, by default.
    public static let defaultLeewaySeconds: Int64 = 60
    /// Tokens longer than this are refused unread, by default.
    public static let defaultMaximumTokenByteCount = 8192
    /// 9999-12-31T23:59:59Z: the last instant an ISO 8601 date with a four-digit year can show,
    /// and a bound that keeps every time computation far from overflow.
    public static let latestTimestamp: Int64 = 253_402_300_799

    /// The keys a signature may match.
    public let keys: JWTKeySet
    /// How far in the future `iat` may be, in seconds, for clocks that disagree a little.
    public let leewaySeconds: Int64
    /// The longest token read.
    public let maximumTokenByteCount: Int

    /// A verifier for tokens signed by `keys`; `leewaySeconds` must be between 0 and one day.
    public init(
        keys: JWTKeySet,
        leewaySeconds: Int64 = defaultLeewaySeconds,
        maximumTokenByteCount: Int = defaultMaximumTokenByteCount
    ) {
        precondition((0...86_400).contains(leewaySeconds), "leeway must be between 0 and 86400 seconds")
        self.keys = keys
        self.leewaySeconds = leewaySeconds
        self.maximumTokenByteCount = maximumTokenByteCount
    }

    /// The token's claims, when every rule holds at `now` (seconds since the epoch).
    ///
    /// `exp` has no leeway: a token is valid while `now < exp` and `exp == now` is expired. Only
    /// `iat` gets the leeway, for a minting host whose clock runs slightly ahead of this one.
    public func verify(_ token: String, now: Int64) throws(JWTVerificationError) -> VerifiedJWT {
        let (claims, isPrevious) = try verifySignature(token)
        let issuedAt = try Self.timestamp("iat", in: claims)
        let expiresAt = try Self.timestamp("exp", in: claims)
        guard now < expiresAt else { throw .expired }
        let (latestIssue, overflow) = now.addingReportingOverflow(leewaySeconds)
        guard overflow || issuedAt <= latestIssue else { throw .issuedInFuture }
        return VerifiedJWT(claims: claims, issuedAt: issuedAt, expiresAt: expiresAt, isSignedWithPreviousKey: isPrevious)
    }

    /// The payload of a token whose structure, header and signature are valid; no claim is checked.
    /// For tokens that carry no `iat` (RFC 7515's own example) and for tests.
    public func verifySignature(_ token: String) throws(JWTVerificationError) -> (claims: JSONObject, isSignedWithPreviousKey: Bool) {
        var token = token
        let result = token.withUTF8 { verifySignature(buffer: $0) }
        return try result.get()
    }

    private func verifySignature(buffer token: UnsafeBufferPointer<UInt8>) -> Result<(JSONObject, Bool), JWTVerificationError> {
        Result { () throws(JWTVerificationError) in
            guard token.count <= maximumTokenByteCount else { throw .tooLarge(limitByteCount: maximumTokenByteCount) }
            let jws = try CompactJWS(token)
            if !Self.isStandardHeader(jws.encodedHeader) {
                try Self.checkHeader(try Self.object(CompactJWS.decode(jws.encodedHeader, as: .header), .header))
            }
            guard jws.signature.count == SHA256.digestByteCount else { throw .signatureLength(jws.signature.count) }
            let isPrevious = try isSignedWithPreviousKey(UnsafeRawBufferPointer(jws.signingInput), jws.signature)
            return (try Self.object(jws.payload, .payload), isPrevious)
        }
    }

    /// Whether only the previous key matches; throws when neither does.
    private func isSignedWithPreviousKey(_ input: UnsafeRawBufferPointer, _ signature: [UInt8]) throws(JWTVerificationError) -> Bool {
        let matches = signature.withUnsafeBytes { signature in
            (current: keys.current.mac.isValidAuthenticationCode(signature, for: input),
             previous: keys.previous.map { $0.mac.isValidAuthenticationCode(signature, for: input) } ?? false)
        }
        if matches.current { return false }
        if matches.previous { return true }
        throw .signatureMismatch
    }

    /// Whether the header is, byte for byte, the one RaidHub mints: then it needs no parsing.
    private static func isStandardHeader(_ encoded: UnsafeBufferPointer<UInt8>) -> Bool {
        JWTSigner.encodedHeader.withUnsafeBufferPointer { standard in
            encoded.count == standard.count && (0..<standard.count).allSatisfy { encoded[$0] == standard[$0] }
        }
    }

    private static func checkHeader(_ header: JSONObject) throws(JWTVerificationError) {
        guard header["alg"] == .string("HS256") else { throw .unsupportedAlgorithm }
        guard !header.contains("crit") else { throw .criticalHeader }
        if let type = header["typ"], type != .string("JWT") { throw .unsupportedType }
    }

    private static func object(_ bytes: [UInt8], _ segment: JWTSegment) throws(JWTVerificationError) -> JSONObject {
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch { throw .parsing(error, in: segment) }
        guard let object = value.objectValue else { throw .notAnObject(segment) }
        return object
    }

    private static func timestamp(_ name: String, in claims: JSONObject) throws(JWTVerificationError) -> Int64 {
        guard let value = claims[name] else { throw .missingClaim(name) }
        guard case .number(let number) = value, number.isInteger else { throw .claimNotInteger(name) }
        guard let seconds = number.int64Value, (0...latestTimestamp).contains(seconds) else { throw .claimOutOfRange(name) }
        return seconds
    }
}
