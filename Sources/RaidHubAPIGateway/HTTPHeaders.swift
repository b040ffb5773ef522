import RaidHubJSON

/// Request headers, looked up case-insensitively (HTTP header names are case-insensitive, and
/// REST API events keep the client's case while HTTP API events lower-case them).
public struct HTTPHeaders: Sendable, Equatable {
    private var values: [String: String] = [:]

    /// No headers.
    public init() {}

    /// Headers from `(name, value)` pairs; repeated names are joined with `,` as API Gateway does.
    public init(_ pairs: some Sequence<(String, String)>) {
        for (name, value) in pairs { add(name, value) }
    }

    /// The value of `name`, whatever the case it was sent in.
    public subscript(name: String) -> String? {
        values[name.lowercased()]
    }

    /// Every header, names lower-cased.
    public var all: [String: String] { values }

    mutating func add(_ name: String, _ value: String) {
        let key = name.lowercased()
        values[key] = values[key].map { $0 + "," + value } ?? value
    }

    /// The string members of an event's `headers` object; other values are ignored.
    static func from(_ value: JSONValue?) -> HTTPHeaders {
        var headers = HTTPHeaders()
        for member in value?.objectValue?.members ?? [] {
            if let string = member.value.stringValue { headers.add(member.key, string) }
        }
        return headers
    }
}
