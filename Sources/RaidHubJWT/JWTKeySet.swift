/// The keys tokens are checked against: the current key, which also signs, and optionally the
/// previous one, which only verifies, so that a key can be rotated without logging everyone out.
public struct JWTKeySet: Sendable {
    /// Signs new tokens and verifies.
    public let current: HS256Key
    /// Verifies tokens signed before the last rotation; never signs.
    public let previous: HS256Key?

    /// A key set that signs with `current` and also accepts `previous`.
    public init(current: HS256Key, previous: HS256Key? = nil) {
        self.current = current
        self.previous = previous
    }
}
