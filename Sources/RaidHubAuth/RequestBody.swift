import RaidHubJSON

/// Reads a request body as a JSON object, answering the problems every endpoint shares.
public enum RequestBody {
    /// Larger bodies are answered 413 without being read.
    public static let maximumByteCount = 65_536

    /// The body's top-level object, or the error to answer with.
    public static func object(_ body: [UInt8]) throws(APIError) -> JSONObject {
        guard body.count <= maximumByteCount else { throw APIError(.payloadTooLarge, details: .limit(maximumByteCount)) }
        let value: JSONValue
        do {
            value = try JSONParser.parse(body)
        } catch {
            throw .validation([Self.issue(for: error)])
        }
        guard case .object(let object) = value else {
            throw .validation([.wrongType(at: [], expected: "object", received: value)])
        }
        return object
    }

    private static func issue(for error: JSONParseError) -> ValidationIssue {
        if error.reason == .duplicateKey {
            return ValidationIssue(path: error.path, code: .duplicateKey, message: "Duplicate key")
        }
        return ValidationIssue(path: [], code: .invalidJSON, message: "Body is not valid JSON: \(error)")
    }
}
