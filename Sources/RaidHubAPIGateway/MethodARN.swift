/// `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{path}`, taken apart.
public struct MethodARN: Sendable, Equatable {
    /// `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}`.
    public let stageARN: String
    /// `/{path}` (at least `/`).
    public let path: String

    /// Parses a method or route ARN; nil when it does not have the API/stage/method parts.
    public init?(_ arn: String) {
        let parts = arn.split(separator: "/", omittingEmptySubsequences: false)
        guard arn.hasPrefix("arn:"), parts.count >= 3 else { return nil }
        stageARN = parts[0] + "/" + parts[1]
        path = "/" + parts.dropFirst(3).joined(separator: "/")
    }
}
