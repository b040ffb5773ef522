import RaidHubJSON

/// Reads the fields RaidHub's request bodies share, recording one issue per problem found, so a
/// caller learns everything wrong with a body at once.
struct RequestFields {
    /// The most destiny membership ids one token carries.
    static let maximumDestinyMembershipIds = RaidHubClaims.maximumDestinyMembershipIds

    let object: JSONObject
    private(set) var issues: [ValidationIssue] = []

    init(_ object: JSONObject) {
        self.object = object
    }

    /// A required string member.
    mutating func string(_ name: String) -> String? {
        guard let value = required(name) else { return nil }
        guard case .string(let string) = value else {
            issues.append(.wrongType(at: [.key(name)], expected: "string", received: value))
            return nil
        }
        return string
    }

    /// A required membership id, written as a decimal string.
    mutating func membershipId(_ name: String) -> MembershipId? {
        guard let value = required(name) else { return nil }
        return membershipId(value, at: [.key(name)])
    }

    /// A required array of membership ids: at most 64 entries, duplicates dropped, order kept.
    mutating func membershipIds(_ name: String) -> [MembershipId]? {
        guard let value = required(name) else { return nil }
        guard case .array(let elements) = value else {
            issues.append(.wrongType(at: [.key(name)], expected: "array", received: value))
            return nil
        }
        guard elements.count <= Self.maximumDestinyMembershipIds else {
            issues.append(ValidationIssue(
                path: [.key(name)], code: .tooBig,
                message: "Array must contain at most \(Self.maximumDestinyMembershipIds) element(s)"))
            return nil
        }
        let issueCount = issues.count
        // A linear search over at most 64 ids, not a Set: a Set's storage is instantiated at run
        // time (a scan of every protocol conformance in the binary), a visible part of a cold start.
        var ids: [MembershipId] = []
        for (index, element) in elements.enumerated() {
            if let id = membershipId(element, at: [.key(name), .index(index)]), !ids.contains(id) {
                ids.append(id)
            }
        }
        return issues.count == issueCount ? ids : nil
    }

    private mutating func required(_ name: String) -> JSONValue? {
        guard let value = object[name] else {
            issues.append(ValidationIssue(path: [.key(name)], code: .invalidType, message: "Required"))
            return nil
        }
        return value
    }

    private mutating func membershipId(_ value: JSONValue, at path: [JSONPathComponent]) -> MembershipId? {
        guard case .string(let text) = value else {
            issues.append(.wrongType(at: path, expected: "string", received: value))
            return nil
        }
        switch MembershipId.parse(text) {
        case .success(let id):
            return id
        case .failure(.notDecimalDigits):
            issues.append(ValidationIssue(path: path, code: .invalidString, message: "Expected a membership id: decimal digits only"))
        case .failure(.tooSmall):
            issues.append(ValidationIssue(path: path, code: .tooSmall, message: "Membership id must be at least 1"))
        case .failure(.tooBig):
            issues.append(ValidationIssue(path: path, code: .tooBig, message: "Membership id must be at most \(Int64.max)"))
        }
        return nil
    }
}

extension ValidationIssue {
    /// zod's wording for a value of the wrong type; the value itself is never quoted.
    static func wrongType(at path: [JSONPathComponent], expected: String, received: JSONValue) -> ValidationIssue {
        ValidationIssue(path: path, code: .invalidType, message: "Expected \(expected), received \(received.typeName)")
    }
}
