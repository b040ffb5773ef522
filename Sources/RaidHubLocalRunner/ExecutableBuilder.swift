import Foundation

/// Builds the function executables that are missing, with the build's own progress on stderr,
/// so that a fresh clone runs with one command.
enum ExecutableBuilder {
    static func ensureBuilt(_ names: [String], in directory: URL, packageRoot: URL) throws {
        let missing = names.filter { !FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent($0).path) }
        guard !missing.isEmpty else { return }
        guard FileManager.default.fileExists(atPath: packageRoot.appendingPathComponent("Package.swift").path) else {
            throw TemplateError("missing executables in \(directory.path): \(missing.joined(separator: ", ")); build them with `swift build` in the project folder")
        }
        let configuration = directory.lastPathComponent == "release" ? ["-c", "release"] : []
        for name in missing {
            Console.error("local-runner: building \(name) (swift build --product \(name))\n")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["swift", "build", "--product", name] + configuration
            process.currentDirectoryURL = packageRoot
            process.standardOutput = FileHandle.standardError
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw TemplateError("building \(name) failed; run `swift build --product \(name)` to see why")
            }
        }
    }
}
