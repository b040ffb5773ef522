import Foundation

/// Runs Python scripts as an independent implementation to compare against (hashlib, hmac, PyJWT).
///
/// Tests that use it are enabled only when `isAvailable(importing:)` says so; Swift Testing then
/// prints them as skipped with the reason, so a missing tool is visible, never silent.
public enum PythonOracle {
    /// Whether `python3` runs here and can import every module named.
    public static func isAvailable(importing modules: String...) -> Bool {
        (try? run("import " + modules.joined(separator: ", "), input: Data())) != nil
    }

    /// Runs `script` with `input` on stdin and returns its stdout; throws when it exits non-zero.
    public static func run(_ script: String, input: Data) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Write on another thread: a large input and output would otherwise deadlock on full pipes.
        let writer = Thread {
            // A process may exit without reading all of its input: that is its answer, not a
            // reason for the test process to die of SIGPIPE or trap on EPIPE.
            signal(SIGPIPE, SIG_IGN)
            try? stdin.fileHandleForWriting.write(contentsOf: input)
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw OracleFailure(status: process.terminationStatus) }
        return output
    }

    /// A Python script that exited non-zero.
    public struct OracleFailure: Error {
        /// Its exit status.
        public let status: Int32
    }
}
