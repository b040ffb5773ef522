/// A JSON object's members in document order; `JSONParser` guarantees the keys are distinct.
public struct JSONObject: Sendable, Equatable {
    /// One `"key": value` pair.
    public struct Member: Sendable, Equatable {
        /// The member's name, unescaped.
        public var key: String
        /// The member's value.
        public var value: JSONValue

        /// A member named `key` holding `value`.
        public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    /// The members in the order they were written.
    public var members: [Member]

    /// An object with these members (callers building one by hand keep the keys distinct).
    public init(members: [Member] = []) {
        self.members = members
    }

    /// The value of the member named `key`, or nil when there is none.
    public subscript(key: String) -> JSONValue? {
        // Lengths first: O(1) for native strings, and most keys of an object differ in length.
        let length = key.utf8.count
        for member in members where member.key.utf8.count == length && member.key == key {
            return member.value
        }
        return nil
    }

    /// Whether a member named `key` exists, whatever its value.
    public func contains(_ key: String) -> Bool {
        members.contains { $0.key == key }
    }
}
