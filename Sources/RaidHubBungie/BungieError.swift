import RaidHubAuth

/// Why signing in with Bungie.net failed, and the answer each failure gets.
enum BungieError: Error, Equatable {
    /// Bungie rejected the authorization code (`invalid_grant`: expired, reused or made up).
    case invalidCode
    /// Bungie asked us to slow down, for this many seconds.
    case throttled(seconds: Int)
    /// Bungie is unreachable, too slow, failing, or answered something we cannot read.
    case service(String)

    var apiError: APIError {
        switch self {
        case .invalidCode: APIError(.invalidAuthorizationCode)
        case .throttled(let seconds): APIError(.bungieThrottled, details: .retryAfter(seconds: seconds))
        case .service: APIError(.bungieService)
        }
    }

    /// What the log says: a Bungie status word, never the code, a token or Bungie's answer.
    var logStatus: String {
        switch self {
        case .invalidCode: "invalid_grant"
        case .throttled: "Throttled"
        case .service(let status): status
        }
    }
}
