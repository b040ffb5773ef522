import Foundation

/// The development-only configuration committed in `local-runner/env.json`.
public enum DevelopmentEnvironment {
    /// The repository's root folder.
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `Parameters` of `local-runner/env.json`.
    public static func parameters() throws -> [String: String] {
        let data = try Data(contentsOf: root.appendingPathComponent("local-runner/env.json"))
        let file = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return (file?["Parameters"] as? [String: String]) ?? [:]
    }

    /// The sample events of `functions/<function>/events`, sorted by name.
    public static func sampleEvents(of function: String) throws -> [URL] {
        let folder = root.appendingPathComponent("functions/\(function)/events")
        return try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// The answer `event` must get, from `events/expected/` beside it.
    public static func expectedAnswer(for event: URL) throws -> String {
        let expected = event.deletingLastPathComponent().appendingPathComponent("expected").appendingPathComponent(event.lastPathComponent)
        return String(decoding: try Data(contentsOf: expected), as: UTF8.self).trimmingCharacters(in: .newlines)
    }
}
