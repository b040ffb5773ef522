import RaidHubJSON

/// Request headers, looked up case-insensitively (HTTP header names are case-insensitive, and
/// REST API events keep the client's case while HTTP API events lower-case them).
///
/// Kept as the event's list and searched on lookup: a handler reads two or three of an event's
/// thirty headers, so hashing every name into a dictionary would cost more than it saves.
public struct HTTPHeaders: Sendable, Equatable {
    private struct Field: Sendable, Equatable {
        let name: String
        let value: String
    }

    private var fields: [Field] = []

    /// No headers.
    public init() {}

    /// Headers from `(name, value)` pairs, in order.
    public init(_ pairs: some Sequence<(String, String)>) {
        fields = pairs.map { Field(name: $0.0, value: $0.1) }
    }

    /// The value of `name` in any case; repeated headers joined with `,`, as API Gateway does.
    public subscript(name: String) -> String? {
        var joined: String?
        for field in fields where Self.sameName(field.name, name) {
            // Appended in place: building a new string per repeat made an event with thousands
            // of one header's spellings quadratic to read.
            if joined == nil { joined = field.value } else { joined?.append(","); joined?.append(field.value) }
        }
        return joined
    }

    /// Every header, names lower-cased, repeated ones joined.
    public var all: [String: String] {
        var all: [String: String] = [:]
        for field in fields {
            let name = field.name.lowercased()
            if let index = all.index(forKey: name) { all.values[index].append(","); all.values[index].append(field.value) } else { all[name] = field.value }
        }
        return all
    }

    /// Whether there are no headers.
    public var isEmpty: Bool { fields.isEmpty }

    mutating func add(_ name: String, _ value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// ASCII case-insensitive equality, without allocating lower-cased copies.
    private static func sameName(_ lhs: String, _ rhs: String) -> Bool {
        guard lhs.utf8.count == rhs.utf8.count else { return false }
        return zip(lhs.utf8, rhs.utf8).allSatisfy { $0 == $1 || ($0 | 0x20 == $1 | 0x20 && ($0 | 0x20) &- UInt8(ascii: "a") < 26) }
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
