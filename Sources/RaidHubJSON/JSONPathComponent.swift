/// One step into a JSON document: a member name or an array index.
public enum JSONPathComponent: Sendable, Equatable, Hashable, CustomStringConvertible {
    case key(String)
    case index(Int)

    /// `.name` or `[3]`, for messages.
    public var description: String {
        switch self {
        case .key(let key): ".\(key)"
        case .index(let index): "[\(index)]"
        }
    }
}
