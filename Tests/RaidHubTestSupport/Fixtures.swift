import Foundation

/// The project's own test data under `Tests/Fixtures/`, found from this file's path so tests run
/// from any working directory and never reach outside the repository.
public enum Fixtures {
    /// `Tests/Fixtures`.
    public static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// The bytes of `Tests/Fixtures/<path>`.
    public static func data(_ path: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(path))
    }

    /// The entries of a JSON array fixture, decoded with Foundation (independent of `RaidHubJSON`).
    public static func vectors<Entry: Decodable>(_ path: String, as type: Entry.Type = Entry.self) throws -> [Entry] {
        try JSONDecoder().decode([Entry].self, from: data(path))
    }
}
