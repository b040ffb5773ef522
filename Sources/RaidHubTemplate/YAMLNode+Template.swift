import RaidHubYAML

extension YAMLNode {
    /// Whether this is `!Ref X` or `{Ref: X}`.
    var isRef: Bool {
        if case .tagged("!Ref", _) = self { return true }
        return entries?.count == 1 && entries?.first?.key == "Ref"
    }

    /// Whether this is an intrinsic function (`!Sub ...`, `{Fn::If: ...}`), which SAM takes as
    /// one value: `Globals` never merge into one key by key.
    var isIntrinsic: Bool { TemplateValues.intrinsic(self) != nil }

    /// A resource's properties with `Globals`' merged in as SAM merges them: maps key by key
    /// (the resource's value wins), lists globals first then the resource's, anything else (an
    /// intrinsic function too) the resource's.
    static func mergedAsSAM(globals: YAMLNode?, resource: YAMLNode?) -> YAMLNode? {
        guard let globals else { return resource }
        guard let resource else { return globals }
        guard !globals.isIntrinsic, !resource.isIntrinsic else { return resource }
        switch (globals, resource) {
        case (.mapping(let base), .mapping(let own)):
            var merged = base.map { entry in YAMLEntry(key: entry.key, value: mergedAsSAM(globals: entry.value, resource: own.first { $0.key == entry.key }?.value) ?? entry.value) }
            merged += own.filter { entry in !base.contains { $0.key == entry.key } }
            return .mapping(merged)
        case (.sequence(let base), .sequence(let own)):
            return .sequence(base + own)
        default:
            return resource
        }
    }

    /// The logical id an intrinsic names: `!Ref X`, `{Ref: X}`, `!GetAtt X.Attr`, `!GetAtt [X, Attr]`,
    /// `{Fn::GetAtt: ...}`, or a `!Sub`/`Fn::Sub` whose only reference is `${X}` or `${X.Attr}`
    /// (directly, or through one of its variables).
    var referencedResource: String? {
        switch TemplateValues.intrinsic(self) {
        case ("Ref", let name)?: return name.text
        case ("Fn::GetAtt", let target)?:
            if let text = target.text { return text.split(separator: ".", maxSplits: 1).first.map(String.init) }
            if let items = target.items, items.count == 2 { return items[0].text }
            return nil
        case ("Fn::Sub", let argument)?: return Self.subReference(argument)
        default: return nil
        }
    }

    /// `${X.Arn}` or `${X}` when it is the text's one reference (pseudo parameters aside); a name
    /// of the variables map stands for what its value references.
    private static func subReference(_ argument: YAMLNode) -> String? {
        guard let text = argument.text ?? argument.items?.first?.text else { return nil }
        let variables = argument.items?.dropFirst().first?.entries ?? []
        var names: [String] = []
        var rest = text[...]
        while let open = rest.range(of: "${") {
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else { break }
            let name = String(rest[open.upperBound..<close])
            rest = rest[rest.index(after: close)...]
            guard !name.hasPrefix("AWS::"), !name.hasPrefix("!") else { continue }
            if let variable = variables.first(where: { $0.key == name }) {
                guard let referenced = variable.value.referencedResource else { continue }
                names.append(referenced)
            } else if let resource = name.split(separator: ".", maxSplits: 1).first {
                names.append(String(resource))
            } else {
                return nil  // `${}`: names nothing
            }
        }
        return Set(names).count == 1 ? names[0] : nil
    }
}
