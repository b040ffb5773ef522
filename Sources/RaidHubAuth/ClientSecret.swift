import RaidHubJWT

/// A shared secret: one configured (`CLIENT_SECRET`, `ADMIN_CLIENT_SECRET`) or one a caller presents.
///
/// Only its SHA-256 is kept, and two are compared digest to digest in constant time, so the
/// comparison takes the same time whatever the presented secret's length or content.
public struct ClientSecret: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let digest: [UInt8]

    /// A secret with this value (configuration refuses an empty one; a caller may present anything).
    public init(_ value: String) {
        digest = SHA256.hash(value).bytes
    }

    /// Whether the two secrets are the same, compared in constant time.
    public func isSame(as other: ClientSecret) -> Bool {
        ConstantTime.equals(digest, other.digest)
    }

    /// Never shows the secret.
    public var description: String { "ClientSecret(<redacted>)" }
    /// Never shows the secret.
    public var debugDescription: String { description }
    /// Keeps `dump` and the debugger from showing even the digest.
    public var customMirror: Mirror { Mirror(self, children: ["value": "<redacted>"]) }
}
