import RaidHubJSON

/// A request body that earns a token when the secret it presents is the configured one.
public protocol TokenRequest: Sendable {
    /// The request in `object`, or every problem with it.
    init(_ object: JSONObject) throws(APIError)
    /// The secret the caller presented.
    var presentedSecret: ClientSecret { get }
    /// The claims of the token this request earns at `issuedAt`.
    func claims(issuedAt: Int64) -> RaidHubClaims
}
