import Foundation
import RaidHubAuth
import RaidHubJWT
import RaidHubTime
import Testing

/// Shared configuration for the endpoint tests: development-only values.
enum AuthTestFixtures {
    static let jwtSecret = "auth-tests-jwt-secret-0123456789abcdef0123"
    static let clientSecret = "auth-tests-client-secret"
    static let adminClientSecret = "auth-tests-admin-client-secret"
    /// 2024-03-03T23:30:00.123Z
    static let now = UnixTime(milliseconds: 1_709_508_600_123)
    static let keys = try! JWTKeySet(environment: [EnvironmentVariable.jwtSecret: jwtSecret])

    static let userEndpoint = UserTokenEndpoint(keys: keys, secret: ClientSecret(clientSecret), clock: FixedWallClock(now))
    static let adminEndpoint = AdminTokenEndpoint(
        keys: keys, secret: ClientSecret(adminClientSecret), clock: FixedWallClock(now))

    /// The body decoded by Foundation (independent of the JSON writer under test).
    static func json(_ response: APIResponse) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
    }

    /// The `issues` of a 400 answer as (path, code) pairs, paths rendered as JSON arrays.
    static func issues(_ response: APIResponse) throws -> [(path: String, code: String)] {
        let error = try #require(try json(response)["error"] as? [String: Any])
        let issues = try #require(error["issues"] as? [[String: Any]])
        return try issues.map { issue in
            let path = try JSONSerialization.data(withJSONObject: try #require(issue["path"]))
            return (String(decoding: path, as: UTF8.self), try #require(issue["code"] as? String))
        }
    }
}
