import Foundation
import RaidHubAuth

/// How to reach Bungie.net as RaidHub's confidential OAuth client.
public struct BungieConfiguration: Sendable {
    /// The OAuth client id.
    public let clientId: String
    /// The OAuth client secret.
    public let clientSecret: BungieCredential
    /// The application's API key (`X-API-Key`).
    public let apiKey: BungieCredential
    /// `https://www.bungie.net`, or a loopback fake in tests.
    public let baseURL: URL

    /// Everything given.
    public init(clientId: String, clientSecret: BungieCredential, apiKey: BungieCredential, baseURL: URL) {
        self.clientId = clientId
        self.clientSecret = clientSecret
        self.apiKey = apiKey
        self.baseURL = baseURL
    }

    /// `BUNGIE_CLIENT_ID`, `BUNGIE_CLIENT_SECRET`, `BUNGIE_API_KEY` (required) and `BUNGIE_BASE_URL`
    /// (default `https://www.bungie.net`; plain http only to a loopback address, so a secret can
    /// never leave the machine unencrypted).
    public init(environment: [String: String]) throws(ConfigurationError) {
        let clientId = try EnvironmentVariable.required("BUNGIE_CLIENT_ID", in: environment)
        let clientSecret = try EnvironmentVariable.required("BUNGIE_CLIENT_SECRET", in: environment)
        let apiKey = try EnvironmentVariable.required("BUNGIE_API_KEY", in: environment)
        let text = EnvironmentVariable.optional("BUNGIE_BASE_URL", in: environment) ?? "https://www.bungie.net"
        guard let url = URL(string: text), let host = url.host, url.scheme == "https" || (url.scheme == "http" && ["127.0.0.1", "localhost", "::1"].contains(host))
        else { throw ConfigurationError(variable: "BUNGIE_BASE_URL", problem: .invalid("must be an https URL (http only to a loopback address)")) }
        self.init(clientId: clientId, clientSecret: BungieCredential(clientSecret), apiKey: BungieCredential(apiKey), baseURL: url)
    }
}
