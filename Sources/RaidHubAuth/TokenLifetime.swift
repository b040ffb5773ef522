/// How long each kind of RaidHub token lives.
public enum TokenLifetime {
    /// A player's token: 30 days.
    public static let userSeconds: Int64 = 2_592_000
    /// An admin's token: 1 hour.
    public static let adminSeconds: Int64 = 3_600
}
