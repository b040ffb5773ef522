/// A node of the YAML subset CloudFormation templates use. Scalars stay text: what `10`, `true`
/// or `null` mean is the template's business, not the reader's.
public indirect enum YAMLNode: Sendable, Equatable {
    /// A scalar: plain, quoted or block; `nil` text for an empty value (`key:` with nothing after).
    case scalar(String?)
    /// A sequence.
    case sequence([YAMLNode])
    /// A mapping with its keys in order (keys are unique).
    case mapping([YAMLEntry])
    /// A short-form tag such as `!Ref`, `!Sub`, `!GetAtt`, with its value.
    case tagged(String, YAMLNode)

    /// The value of `key`, when this is a mapping that has it.
    public subscript(key: String) -> YAMLNode? {
        guard case .mapping(let entries) = self else { return nil }
        return entries.first { $0.key == key }?.value
    }

    /// The text, when this is a non-empty scalar.
    public var text: String? {
        if case .scalar(let text) = self { return text }
        return nil
    }

    /// The entries, when this is a mapping.
    public var entries: [YAMLEntry]? {
        if case .mapping(let entries) = self { return entries }
        return nil
    }

    /// The items, when this is a sequence.
    public var items: [YAMLNode]? {
        if case .sequence(let items) = self { return items }
        return nil
    }
}

/// One `key: value` of a mapping.
public struct YAMLEntry: Sendable, Equatable {
    /// The key.
    public let key: String
    /// The value.
    public let value: YAMLNode

    /// An entry `key: value`.
    public init(key: String, value: YAMLNode) {
        self.key = key
        self.value = value
    }
}
