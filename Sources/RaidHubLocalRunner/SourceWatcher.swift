import Foundation
import RaidHubEmulation
import RaidHubLambdaEmulator

/// `--watch`: looks at the package's sources twice a second; when they change, rebuilds the
/// template's functions (`swift build --product NAME`, the build's own output on stderr) and,
/// when the build succeeds, has each function start new instances on its next request. A
/// failed build leaves the last good executables in place, so the runner goes on serving them.
final class SourceWatcher: @unchecked Sendable {
    private let packageRoot: URL
    private let products: [String]
    private let executablesDirectory: URL
    private let runner: LambdaEmulator
    private var fingerprint: [String: Int]

    /// A watcher of the package at `packageRoot`, building `products` into `executablesDirectory`.
    init(packageRoot: URL, products: [String], executablesDirectory: URL, runner: LambdaEmulator) {
        self.packageRoot = packageRoot
        self.products = products
        self.executablesDirectory = executablesDirectory
        self.runner = runner
        self.fingerprint = [:]
        self.fingerprint = sources()
    }

    /// Starts watching on a thread of its own, for the life of the process.
    func start() {
        Console.error("local-runner: watching \(packageRoot.path) for source changes (\(fingerprint.count) files)\n")
        Thread { [self] in
            while true {
                Thread.sleep(forTimeInterval: 0.5)
                guard sources() != fingerprint else { continue }
                Thread.sleep(forTimeInterval: 0.3)  // an editor's save may take more than one write
                let previous = fingerprint
                fingerprint = sources()
                rebuild(changed: Self.changes(from: previous, to: fingerprint))
            }
        }.start()
    }

    /// The files added, removed or modified between two looks.
    static func changes(from old: [String: Int], to new: [String: Int]) -> Set<String> {
        Set(old.keys).symmetricDifference(new.keys).union(new.filter { old[$0.key] != $0.value }.map(\.key))
    }

    private func rebuild(changed: Set<String>) {
        let named = changed.sorted().prefix(3).map { URL(fileURLWithPath: $0).lastPathComponent }.joined(separator: ", ")
        let what = changed.isEmpty ? "sources" : named + (changed.count > 3 ? " and \(changed.count - 3) more" : "")
        Console.error("local-runner: \(what) changed; building \(products.joined(separator: ", "))\n")
        for product in products {
            do {
                guard try ExecutableBuilder.build(product, into: executablesDirectory, packageRoot: packageRoot) else {
                    Console.error("local-runner: the build of \(product) failed; still serving the last good build\n")
                    return
                }
            } catch {
                Console.error("local-runner: cannot run swift build: \(error)\n")
                return
            }
        }
        runner.executablesRebuilt()
        Console.error("local-runner: built; new instances start on the next request\n")
    }

    /// Every Swift source, Package.swift and the template: path, modification time and size.
    private func sources() -> [String: Int] {
        var found: [String: Int] = [:]
        let keys: [URLResourceKey] = [.contentModificationDateKey, .fileSizeKey, .isDirectoryKey]
        guard let walker = FileManager.default.enumerator(at: packageRoot, includingPropertiesForKeys: keys, options: [.skipsHiddenFiles]) else { return found }
        for case let url as URL in walker {
            if url.lastPathComponent == ".build" || url.lastPathComponent == "node_modules" { walker.skipDescendants(); continue }
            guard url.pathExtension == "swift" || url.pathExtension == "c" || url.pathExtension == "h" || url.lastPathComponent == "template.yaml",
                  let values = try? url.resourceValues(forKeys: Set(keys)), values.isDirectory != true else { continue }
            let modified = Int((values.contentModificationDate?.timeIntervalSince1970 ?? 0) * 1000)
            found[url.path] = modified &* 31 &+ (values.fileSize ?? 0)
        }
        return found
    }
}
