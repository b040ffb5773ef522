import Foundation
import RaidHubYAML

/// What CloudFormation would make of a property's intrinsic functions, as far as it can be known
/// before a deploy: parameters (their defaults or `--parameter-overrides`), pseudo parameters,
/// mappings and conditions, with `Ref`, `Fn::Sub`, `Fn::FindInMap`, `Fn::Join`, `Fn::If`,
/// `Fn::Select`, `Fn::Split` and `Fn::Base64`, short form or long. What only a deploy knows (a resource's `Ref`
/// or attribute, an export, an SSM parameter, a `{{resolve:...}}` reference) is `.unknown`, never
/// a guess.
struct TemplateValues {
    /// A property's value.
    enum Value: Equatable {
        case string(String)
        case list([Value])
        /// `AWS::NoValue`: the property is as if absent.
        case noValue
        case unknown
    }

    private var symbols: [String: Value]
    private let mappings: YAMLNode?
    private let conditions: YAMLNode?

    /// The values of `root`'s parameters (defaults, then `overrides`) and its pseudo parameters.
    /// A `CommaDelimitedList` or `List<...>` parameter is a list, as `Ref` gives it; an SSM
    /// parameter type's value is read from SSM at deploy, so it is unknown here. Refuses
    /// conditions that refer to each other in a circle, as CloudFormation does.
    init(_ root: YAMLNode, overrides: [String: String], region: String, accountId: String) throws {
        var values: [String: Value] = [
            "AWS::Region": .string(region), "AWS::AccountId": .string(accountId), "AWS::Partition": .string("aws"),
            "AWS::URLSuffix": .string("amazonaws.com"), "AWS::StackName": .string("local"), "AWS::NoValue": .noValue,
        ]
        for entry in root["Parameters"]?.entries ?? [] {
            guard let text = overrides[entry.key] ?? entry.value["Default"]?.text else { continue }
            let type = entry.value["Type"]?.text ?? "String"
            if type.hasPrefix("AWS::SSM::Parameter::") {
                values[entry.key] = .unknown
            } else if type == "CommaDelimitedList" || type.hasPrefix("List<") {
                values[entry.key] = .list(text.split(separator: ",", omittingEmptySubsequences: false).map { .string(String($0).trimmingWhitespace) })
            } else {
                values[entry.key] = .string(text)
            }
        }
        symbols = values
        mappings = root["Mappings"]
        conditions = root["Conditions"]
        try refuseCircularConditions()
    }

    /// These values, with resources' `Ref` (and `Fn::GetAtt` of any attribute) standing for the
    /// given texts: what a pattern that names resources (a permission's `SourceArn`) reads as.
    func naming(_ resources: [String: String]) -> TemplateValues {
        var named = self
        for (id, text) in resources { named.symbols[id] = .string(text) }
        return named
    }

    /// The value of `node`.
    func value(_ node: YAMLNode?) -> Value {
        guard let node else { return .noValue }
        if let (function, argument) = Self.intrinsic(node) { return evaluate(function, argument) }
        switch node {
        case .scalar(let text):
            guard let text else { return .string("") }
            return text.contains("{{resolve:") ? .unknown : .string(text)
        case .sequence(let items): return .list(items.map(value).filter { $0 != .noValue })
        case .mapping, .tagged: return .unknown
        }
    }

    /// The node an `Fn::If` chooses (following nested ones), `node` itself when it is not one;
    /// nil when a condition cannot be known.
    func chosen(_ node: YAMLNode) -> YAMLNode? {
        guard case ("Fn::If", let argument)? = Self.intrinsic(node) else { return node }
        guard let operands = argument.items, operands.count == 3, let name = operands[0].text, let holds = condition(name) else { return nil }
        return chosen(operands[holds ? 1 : 2])
    }

    /// The text of `node`, nil when it is not one string known before a deploy.
    func text(_ node: YAMLNode?) -> String? {
        if case .string(let text) = value(node) { return text }
        return nil
    }

    /// `node` as a boolean, read as YAML 1.1 reads one (what SAM's parser, and CloudFormation's,
    /// make of `true`, `True`, `yes`, `on`...); nil when absent or not a boolean.
    func bool(_ node: YAMLNode?) -> Bool? {
        switch text(node) {
        case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON": true
        case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF": false
        default: nil
        }
    }

    /// The strings of a list (or one string as a list of one), nil when any is unknown.
    func strings(_ node: YAMLNode?) -> [String]? {
        switch value(node) {
        case .string(let text): [text]
        case .list(let items): items.allSatisfy { if case .string = $0 { true } else { false } } ? items.map { if case .string(let text) = $0 { text } else { "" } } : nil
        case .noValue: []
        case .unknown: nil
        }
    }

    /// Whether the template's condition `name` holds; nil when it cannot be known.
    func condition(_ name: String) -> Bool? {
        conditions?[name].flatMap(truth)
    }

    private func truth(_ node: YAMLNode) -> Bool? {
        guard let (function, argument) = Self.intrinsic(node) else { return node.text.map { $0 == "true" } }
        let operands = argument.items ?? []
        switch function {
        case "Condition": return argument.text.flatMap(condition)
        case "Fn::Equals":
            guard operands.count == 2 else { return nil }
            let (left, right) = (value(operands[0]), value(operands[1]))
            return left == .unknown || right == .unknown ? nil : left == right
        case "Fn::Not": return operands.first.flatMap(truth).map { !$0 }
        case "Fn::And":
            let values = operands.map(truth)
            return values.contains(false) ? false : values.contains(nil) ? nil : true
        case "Fn::Or":
            let values = operands.map(truth)
            return values.contains(true) ? true : values.contains(nil) ? nil : false
        default: return nil
        }
    }

    /// A condition that refers back to itself, through others or directly, would never end:
    /// CloudFormation refuses it ("Circular dependency"), and so does the runner.
    private func refuseCircularConditions() throws {
        let names = (conditions?.entries ?? []).map(\.key)
        func referenced(_ node: YAMLNode) -> [String] {
            if case ("Condition", let argument)? = Self.intrinsic(node) { return argument.text.map { [$0] } ?? [] }
            switch node {
            case .sequence(let items): return items.flatMap(referenced)
            case .mapping(let entries): return entries.flatMap { referenced($0.value) }
            case .tagged(_, let inner): return referenced(inner)
            case .scalar: return []
            }
        }
        var done = Set<String>()
        func visit(_ name: String, _ path: [String]) throws {
            guard !done.contains(name) else { return }
            if let start = path.firstIndex(of: name) {
                throw TemplateError("Conditions \((path[start...] + [name]).joined(separator: " -> ")) refer to each other in a circle, which CloudFormation refuses",
                                    at: ["Conditions", name])
            }
            for next in referenced(conditions?[name] ?? .scalar(nil)) where names.contains(next) { try visit(next, path + [name]) }
            done.insert(name)
        }
        for name in names { try visit(name, []) }
    }

    private func evaluate(_ function: String, _ argument: YAMLNode) -> Value {
        let operands = argument.items ?? []
        switch function {
        case "Ref":
            return argument.text.flatMap { symbols[$0] } ?? .unknown  // a resource's Ref is known only once deployed
        case "Fn::GetAtt":
            // Known only for a resource standing for a text (`naming`), as a pattern reads it.
            let target = argument.text.map { String($0.split(separator: ".", maxSplits: 1).first ?? "") } ?? operands.first?.text
            return target.flatMap { symbols[$0] } ?? .unknown
        case "Fn::Sub":
            let (template, variables) = argument.text.map { ($0, [String: Value]()) }
                ?? (operands.first?.text ?? "", Dictionary((operands.dropFirst().first?.entries ?? []).map { ($0.key, value($0.value)) }) { $1 })
            return substitute(template, variables)
        case "Fn::FindInMap":
            guard operands.count >= 3, case .string(let map) = value(operands[0]), case .string(let top) = value(operands[1]),
                  case .string(let second) = value(operands[2]), let found = mappings?[map]?[top]?[second]
            else { return .unknown }
            return Self.literal(found)
        case "Fn::Join":
            guard operands.count == 2, case .string(let separator) = value(operands[0]), case .list(let items) = value(operands[1]) else { return .unknown }
            var parts: [String] = []
            for item in items {
                guard case .string(let text) = item else { return .unknown }
                parts.append(text)
            }
            return .string(parts.joined(separator: separator))
        case "Fn::If":
            guard operands.count == 3, let name = operands[0].text, let holds = condition(name) else { return .unknown }
            return value(operands[holds ? 1 : 2])
        case "Fn::Select":
            guard operands.count == 2, case .string(let text) = value(operands[0]), let index = Int(text),
                  case .list(let items) = value(operands[1]), items.indices.contains(index)
            else { return .unknown }
            return items[index]
        case "Fn::Split":
            guard operands.count == 2, case .string(let separator) = value(operands[0]), !separator.isEmpty,
                  case .string(let text) = value(operands[1])
            else { return .unknown }
            return .list(text.components(separatedBy: separator).map(Value.string))
        case "Fn::Base64":
            guard case .string(let text) = value(argument) else { return .unknown }
            return .string(Data(text.utf8).base64EncodedString())
        default:
            return .unknown  // Fn::ImportValue, Fn::GetAZs, Fn::Cidr: known once deployed
        }
    }

    /// A mapping's value: CloudFormation takes mappings as written, without intrinsics.
    private static func literal(_ node: YAMLNode) -> Value {
        switch node {
        case .scalar(let text): .string(text ?? "")
        case .sequence(let items): items.allSatisfy { $0.text != nil } ? .list(items.map { .string($0.text ?? "") }) : .unknown
        case .mapping, .tagged: .unknown
        }
    }

    /// `${Name}` replaced by a variable or parameter, `${!Literal}` by `${Literal}`; unknown when
    /// a name is a resource or attribute, or the text holds a dynamic reference.
    private func substitute(_ template: String, _ variables: [String: Value]) -> Value {
        guard !template.contains("{{resolve:") else { return .unknown }
        var result = ""
        var rest = template[...]
        while let open = rest.range(of: "${") {
            result += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else { return .unknown }
            let name = String(rest[open.upperBound..<close])
            rest = rest[rest.index(after: close)...]
            if name.hasPrefix("!") {
                result += "${" + name.dropFirst() + "}"
                continue
            }
            // `${Resource.Attribute}` stands for what `naming` gave the resource, like `Fn::GetAtt`.
            // (Up to the first `.`, which may be the first character: `${.}` names no resource.)
            let resource = name.contains(".") && !name.hasPrefix("AWS::") ? String(name.prefix { $0 != "." }) : name
            guard case .string(let text)? = variables[name] ?? symbols[name] ?? symbols[resource] else { return .unknown }
            result += text
        }
        return .string(result + rest)
    }

    /// The function and argument of an intrinsic, short form (`!Ref X`) or long (`{Ref: X}`).
    static func intrinsic(_ node: YAMLNode) -> (String, YAMLNode)? {
        switch node {
        case .tagged(let tag, let argument):
            let name = String(tag.dropFirst())
            return (name == "Ref" || name == "Condition" ? name : "Fn::" + name, argument)
        case .mapping(let entries) where entries.count == 1 && (entries[0].key == "Ref" || entries[0].key == "Condition" || entries[0].key.hasPrefix("Fn::")):
            return (entries[0].key, entries[0].value)
        default:
            return nil
        }
    }
}

extension String {
    /// "; did you mean 'X'?" for the closest of `candidates`, when one is close enough: for
    /// misspelt names in the env file and on the command line.
    package func suggestion(among candidates: [String]) -> String {
        let scored = candidates.map { ($0, Self.editDistance(self, $0)) }.min { $0.1 < $1.1 }
        guard let (best, distance) = scored, distance <= Swift.max(2, count / 3) else { return "" }
        return "; did you mean '\(best)'?"
    }

    private static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...Swift.max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...Swift.max(b.count, 1) where !b.isEmpty {
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : b.isEmpty ? a.count : previous[b.count]
    }

    /// Without leading and trailing spaces and tabs.
    var trimmingWhitespace: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }

    /// Whether this matches `pattern`, where `*` stands for any run of characters and `?` for
    /// one: how IAM's `ArnLike` compares a permission's `SourceArn`.
    func matchesWildcards(_ pattern: String) -> Bool {
        let text = Array(utf8), pattern = Array(pattern.utf8)
        var (t, p) = (0, 0)
        var star: (pattern: Int, text: Int)?
        while t < text.count {
            if p < pattern.count, pattern[p] == UInt8(ascii: "?") || pattern[p] == text[t] {
                t += 1; p += 1
            } else if p < pattern.count, pattern[p] == UInt8(ascii: "*") {
                star = (p, t); p += 1
            } else if let last = star {
                p = last.pattern + 1; t = last.text + 1; star = (last.pattern, last.text + 1)
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.count
    }
}
