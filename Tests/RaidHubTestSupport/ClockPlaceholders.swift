import Foundation
import RaidHubAuth
import RaidHubJWT
import RaidHubTime

/// Turns the instant-dependent parts of an answer into the placeholders the expected answers
/// carry, after checking them: `<minted>` is an ISO instant of now, `<token>` a token that
/// verifies under the development key, `<expires>` exactly its `exp`.
public enum ClockPlaceholders {
    /// A placeholder value that failed its check.
    public struct Mismatch: Error, CustomStringConvertible {
        /// What was wrong.
        public let description: String
    }

    /// `answer` with the minted instant, the token and its expiry replaced by placeholders, once
    /// checked; works on a plain envelope and on one escaped inside a response's `body`.
    public static func fill(_ answer: String, environment: [String: String]) throws -> String {
        var text = answer
        if let minted = capture(#"\\?"minted\\?":\\?"([^"\\]+)\\?""#, in: text) {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            guard let date = formatter.date(from: minted), abs(date.timeIntervalSinceNow) < 60 else {
                throw Mismatch(description: "minted is not an ISO 8601 instant of now")
            }
            text = text.replacingOccurrences(of: minted, with: "<minted>")
        }
        if let token = capture(#"\\?"value\\?":\\?"([^"\\]+)\\?""#, in: text) {
            let keys = try JWTKeySet(environment: environment)
            let now = UnixTime(milliseconds: Int64(Date().timeIntervalSince1970 * 1000))
            let claims = try RaidHubTokenVerifier(keys: keys).verify(token, now: now)
            guard abs(claims.issuedAt - now.seconds) < 60 else { throw Mismatch(description: "iat is not now") }
            let lifetime = claims.isAdmin ? TokenLifetime.adminSeconds : TokenLifetime.userSeconds
            guard claims.expiresAt - claims.issuedAt == lifetime else { throw Mismatch(description: "wrong lifetime") }
            guard claims.bungieMembershipId.description == "12345678" else { throw Mismatch(description: "wrong player") }
            text = text.replacingOccurrences(of: token, with: "<token>")
            text = text.replacingOccurrences(of: UnixTime(seconds: claims.expiresAt).iso8601, with: "<expires>")
        }
        return text
    }

    private static func capture(_ pattern: String, in text: String) -> String? {
        guard let expression = try? NSRegularExpression(pattern: pattern),
              let match = expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
              let range = Range(match.range(at: 1), in: text)
        else { return nil }
        return String(text[range])
    }
}
