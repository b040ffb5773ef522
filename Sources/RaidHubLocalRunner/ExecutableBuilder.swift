import Foundation
import RaidHubChildProcess
import RaidHubEmulation

/// Builds function executables with `swift build --product NAME`, the build's own progress on
/// stderr: the missing ones at start, so that a fresh clone runs with one command, and every one
/// again when `--watch` sees a source change.
enum ExecutableBuilder {
    static func ensureBuilt(_ names: [String], in directory: URL, packageRoot: URL) throws {
        let missing = names.filter { !FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent($0).path) }
        guard !missing.isEmpty else { return }
        guard FileManager.default.fileExists(atPath: packageRoot.appendingPathComponent("Package.swift").path) else {
            throw RunnerError("missing executables in \(directory.path): \(missing.joined(separator: ", ")); build them with `swift build` in the project folder")
        }
        for name in missing {
            Console.error("local-runner: building \(name) (swift build --product \(name))\n")
            guard try build(name, into: directory, packageRoot: packageRoot) else {
                throw RunnerError("building \(name) failed; run `swift build --product \(name)` to see why")
            }
        }
    }

    /// Runs `swift build --product name` for the package at `packageRoot`, or for a release
    /// folder (where the runner and its executables are) `scripts/release-build.sh --product
    /// name`, as every release build of the project is made; whether it succeeded.
    static func build(_ name: String, into directory: URL, packageRoot: URL) throws -> Bool {
        let arguments = directory.lastPathComponent == "release"
            ? ["bash", packageRoot.appendingPathComponent("scripts/release-build.sh").path, "--product", name]
            : ["swift", "build", "--package-path", packageRoot.path, "--product", name]
        let process = try ChildProcess(executable: "/usr/bin/env", arguments: arguments, environment: ProcessInfo.processInfo.environment,
                                       output: STDERR_FILENO, error: STDERR_FILENO)
        return process.waitUntilExit() == 0
    }
}
