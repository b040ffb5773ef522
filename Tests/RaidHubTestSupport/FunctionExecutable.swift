import Foundation

/// Runs a built function executable as a separate process, the way Lambda, scripts and
/// `local-runner` run it.
public struct FunctionExecutable {
    /// The executable's name, e.g. `authorize-user`.
    public let name: String

    /// The executable `name` in the build folder the tests run from (or `RAIDHUB_FUNCTIONS_DIR`,
    /// to test another build, e.g. the static release binaries).
    public init(_ name: String) {
        self.name = name
    }

    /// The folder holding the built executables.
    public static var directory: URL {
        if let override = ProcessInfo.processInfo.environment["RAIDHUB_FUNCTIONS_DIR"] {
            return URL(fileURLWithPath: override)
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }

    /// What one run printed and how it ended.
    public struct Run {
        /// Standard output.
        public let stdout: String
        /// Standard error.
        public let stderr: String
        /// The exit status.
        public let status: Int32

        /// A run that printed `stdout` and `stderr` and ended with `status`.
        public init(stdout: String, stderr: String, status: Int32) {
            self.stdout = stdout
            self.stderr = stderr
            self.status = status
        }
    }

    /// Runs with `arguments`, exactly `environment`, and `input` on stdin.
    public func run(_ arguments: [String] = [], environment: [String: String], input: Data = Data(), in directory: URL? = nil) throws -> Run {
        let process = Process()
        process.currentDirectoryURL = directory
        process.executableURL = Self.directory.appendingPathComponent(name)
        process.arguments = arguments
        process.environment = environment
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let writer = Thread {
            // A process may exit without reading all of its input: that is its answer, not a
            // reason for the test process to die of SIGPIPE or trap on EPIPE.
            signal(SIGPIPE, SIG_IGN)
            try? stdin.fileHandleForWriting.write(contentsOf: input)
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let errorReader = ErrorReader(stderr.fileHandleForReading)
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(stdout: String(decoding: output, as: UTF8.self), stderr: errorReader.text(), status: process.terminationStatus)
    }
}

/// Drains a pipe on its own thread, so a chatty stderr never blocks the process.
private final class ErrorReader: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread {
            self.data = handle.readDataToEndOfFile()
            self.done.signal()
        }.start()
    }

    func text() -> String {
        done.wait()
        return String(decoding: data, as: UTF8.self)
    }
}
