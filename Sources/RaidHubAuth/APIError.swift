import RaidHubJSON

/// An error answer: its code and the contents of the envelope's `error` object.
public struct APIError: Error, Sendable, Equatable {
    /// What the envelope's `error` object holds.
    public enum Details: Sendable, Equatable {
        /// `{}`.
        case none
        /// `{"issues":[...]}`.
        case issues([ValidationIssue])
        /// `{"limit":N}`.
        case limit(Int)
        /// `{"allowed":[...]}`.
        case allowed([String])
        /// `{"retryAfter":N}`, with a `Retry-After` header.
        case retryAfter(seconds: Int)
    }

    /// The envelope's `code`, which fixes the status.
    public let code: APIErrorCode
    /// The envelope's `error` object.
    public let details: Details

    /// An error with `code` and `details`.
    public init(_ code: APIErrorCode, details: Details = .none) {
        self.code = code
        self.details = details
    }

    /// A 400 listing every problem found in a body.
    public static func validation(_ issues: [ValidationIssue]) -> APIError {
        APIError(.bodyValidation, details: .issues(issues))
    }

    /// The 401 for a protected route reached without an authorizer's verdict.
    public static let unauthorized = APIError(.unauthorized)

    /// The 405 for a method other than those allowed.
    public static func methodNotAllowed(allowed: [String] = ["POST"]) -> APIError {
        APIError(.methodNotAllowed, details: .allowed(allowed))
    }

    /// Headers the answer needs besides `Content-Type` (`Allow` on a 405, RFC 9110 §15.5.6).
    var headers: [String: String] {
        switch details {
        case .allowed(let methods): return ["Allow": methods.joined(separator: ", ")]
        case .retryAfter(let seconds): return ["Retry-After": String(seconds)]
        default: return [:]
        }
    }

    /// Writes the `error` object.
    func writeDetails(to writer: inout JSONWriter) {
        writer.openObject()
        switch details {
        case .none:
            break
        case .issues(let issues):
            writer.key("issues")
            writer.openArray()
            for issue in issues { issue.write(to: &writer) }
            writer.closeArray()
        case .limit(let limit):
            writer.key("limit")
            writer.integer(Int64(limit))
        case .retryAfter(let seconds):
            writer.key("retryAfter")
            writer.integer(Int64(seconds))
        case .allowed(let methods):
            writer.key("allowed")
            writer.openArray()
            for method in methods { writer.string(method) }
            writer.closeArray()
        }
        writer.closeObject()
    }
}
