/// A Bungie.net credential (client secret, API key) that must be sent as is, so it is kept as
/// text, but never shown: it describes itself as redacted.
public struct BungieCredential: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The value, for the request that needs it.
    let value: String

    /// A credential with this value.
    public init(_ value: String) {
        self.value = value
    }

    /// Never shows the value.
    public var description: String { "BungieCredential(<redacted>)" }
    /// Never shows the value.
    public var debugDescription: String { description }
    /// Keeps `dump` and the debugger from showing it.
    public var customMirror: Mirror { Mirror(self, children: ["value": "<redacted>"]) }
}
