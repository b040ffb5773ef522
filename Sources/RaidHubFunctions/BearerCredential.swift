import RaidHubAPIGateway

/// Finds the token in an authorizer request: `Authorization: Bearer <token>` (scheme in any
/// case), else `x-raidhub-user-authorization` holding a bare token or `Bearer <token>`.
enum BearerCredential {
    /// Why no token could be taken from the request.
    enum Problem: String, Error, Equatable {
        case missing = "no bearer token"
        case malformed = "malformed authorization header"
    }

    static func token(in request: AuthorizerRequest) -> Result<String, Problem> {
        var problem = Problem.missing
        if let authorization = request.authorization {
            // A TOKEN authorizer's identity source may be configured to any header: accept bare too.
            switch bearer(authorization, allowBare: request.kind == .restToken) {
            case .success(let token): return .success(token)
            case .failure(let failure): problem = failure
            }
        }
        if let raidHub = request.raidHubAuthorization {
            return bearer(raidHub, allowBare: true)
        }
        return .failure(problem)
    }

    private static func bearer(_ value: String, allowBare: Bool) -> Result<String, Problem> {
        let trimmed = value.trimmingSpaces()
        let words = trimmed.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        if words.count == 2, words[0].lowercased() == "bearer" {
            let token = words[1].trimmingSpaces()
            return token.isEmpty || token.contains(" ") ? .failure(.malformed) : .success(token)
        }
        if allowBare, words.count == 1, !trimmed.isEmpty { return .success(trimmed) }
        return .failure(trimmed.isEmpty ? .missing : .malformed)
    }
}

extension StringProtocol {
    /// Without leading and trailing tabs, space separators (Unicode category Zs) and U+200B:
    /// exactly the set Foundation's `CharacterSet.whitespaces` trims (checked over every scalar),
    /// read from the standard library's own Unicode tables so the functions need no Foundation.
    func trimmingSpaces() -> String {
        let isSpace = { (scalar: Unicode.Scalar) in
            scalar == "\t" || scalar == "\u{200B}" || scalar.properties.generalCategory == .spaceSeparator
        }
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }), let last = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}
