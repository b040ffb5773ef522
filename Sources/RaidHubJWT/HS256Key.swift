/// A secret key for HS256, at least 32 bytes long (RFC 7518 §3.2), with its HMAC pads precomputed.
public struct HS256Key: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// RFC 7518 §3.2: a key the same size as the hash output or larger.
    public static let minimumByteCount = 32

    /// The keyed MAC every token under this key is signed and checked with.
    public let mac: HMACSHA256

    /// A key from `secret`'s bytes; throws when it is shorter than `minimumByteCount`.
    public init(secret: some Collection<UInt8>) throws(HS256KeyError) {
        guard secret.count >= Self.minimumByteCount else {
            throw HS256KeyError.tooShort(minimumByteCount: Self.minimumByteCount)
        }
        mac = HMACSHA256(key: secret)
    }

    /// A key from the UTF-8 bytes of `secret`, as RaidHub's environment variables give it.
    public init(secret: String) throws(HS256KeyError) {
        try self.init(secret: Array(secret.utf8))
    }

    /// Never shows the key.
    public var description: String { "HS256Key(<redacted>)" }
    /// Never shows the key.
    public var debugDescription: String { description }
    /// Keeps `dump` and the debugger from walking into the key.
    public var customMirror: Mirror { Mirror(self, children: ["secret": "<redacted>"]) }
}

/// Why a byte string cannot be an HS256 key; never quotes the key or its length.
public enum HS256KeyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Shorter than RFC 7518 allows.
    case tooShort(minimumByteCount: Int)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .tooShort(let minimum): "an HS256 key must be at least \(minimum) bytes"
        }
    }
}
