import RaidHubYAML

/// Finds where a key path (`Resources`, `Api`, `Properties`, ...) is written in a template's text,
/// for errors found after reading it (the parsed nodes carry no positions): each key is looked for
/// as `key:` after the previous one, in block or flow style, quoted or not. An approximation that
/// is right for the templates people write; when a key is not found there is no position.
struct TemplateLocator {
    private let lines: [[Character]]

    init(_ text: String) {
        lines = YAMLReader.normalizingLineBreaks(text).split(separator: "\n", omittingEmptySubsequences: false).map(Array.init)
    }

    /// The 1-based line and column of the last key of `path`.
    func position(of path: [String]) -> (line: Int, column: Int)? {
        var line = 0, column = 0, keyColumn = 0
        for key in path {
            guard let found = find(key, fromLine: line, column: column) else { return nil }
            (line, keyColumn, column) = found
        }
        return (line + 1, keyColumn + 1)
    }

    /// The line, the key's column and the column after its colon.
    private func find(_ key: String, fromLine start: Int, column startColumn: Int) -> (Int, Int, Int)? {
        let forms = [key, "\"\(key)\"", "'\(key)'"].map { Array($0 + ":") }
        for lineIndex in start..<lines.count {
            let characters = lines[lineIndex]
            var index = lineIndex == start ? startColumn : 0
            while index < characters.count {
                let before: Character = index == 0 ? " " : characters[index - 1]
                if " {,-\t".contains(before), let form = forms.first(where: { matches($0, characters, at: index) }) {
                    return (lineIndex, index, index + form.count)
                }
                index += 1
            }
        }
        return nil
    }

    private func matches(_ form: [Character], _ characters: [Character], at index: Int) -> Bool {
        index + form.count <= characters.count && Array(characters[index..<(index + form.count)]) == form
    }
}
