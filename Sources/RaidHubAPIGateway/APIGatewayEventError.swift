import RaidHubJSON

/// An event that is not one this function handles; reported through the Runtime API.
public enum APIGatewayEventError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Larger than a Lambda event can be (6 MB).
    case tooLarge(limitByteCount: Int)
    /// Not JSON at all.
    case notJSON(JSONParseError)
    /// JSON, but not an event shape this function knows.
    case unknownShape(String)

    /// A one-line explanation that never quotes the event.
    public var description: String {
        switch self {
        case .tooLarge(let limit): "the event is larger than \(limit) bytes"
        case .notJSON(let error): "the event is not JSON: \(error)"
        case .unknownShape(let what): what
        }
    }

    /// Lambda's limit on a synchronous invocation's payload.
    public static let maximumEventByteCount = 6 * 1024 * 1024

    /// The event's top-level object.
    static func object(_ event: [UInt8]) throws(APIGatewayEventError) -> JSONObject {
        guard event.count <= maximumEventByteCount else { throw .tooLarge(limitByteCount: maximumEventByteCount) }
        let value: JSONValue
        do { value = try JSONParser.parse(event) } catch { throw .notJSON(error) }
        guard let object = value.objectValue else { throw .unknownShape("the event is not a JSON object") }
        return object
    }
}
