import RaidHubJSON

/// Which API Gateway payload an event came in, so that the answer goes back in the same shape.
public enum PayloadFormat: Sendable, Equatable {
    /// HTTP API payload 2.0, and Lambda Function URLs, which use the same shape.
    case version2
    /// REST API (and HTTP API payload 1.0).
    case version1

    /// Reads the format from `version`, as API Gateway intends, rather than trying each decoder:
    /// `"2.0"` is 2.0; absent or `"1.0"` is 1.0 when the event has the member a 1.0 event must have.
    static func of(_ event: JSONObject, requiring version1Member: String) -> PayloadFormat? {
        switch event["version"] {
        case .string("2.0")?: .version2
        case nil, .string("1.0")?: event.contains(version1Member) ? .version1 : nil
        default: nil
        }
    }
}
