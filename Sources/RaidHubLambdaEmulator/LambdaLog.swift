import Foundation
import RaidHubEmulation

/// Where the runner writes Lambda's own log lines (START, END, REPORT, timeouts) and the
/// functions' output: stderr by default, a file with `--log-file`, a collector in tests.
public struct LambdaLog: Sendable {
    private let write: @Sendable (String) -> Void
    private let writeBytes: @Sendable (UnsafeBufferPointer<UInt8>) -> Void
    private let writeLines: @Sendable ([String]) -> Void

    /// A log that hands each line to `write`, the functions' output too (a line per line of it).
    public init(write: @escaping @Sendable (String) -> Void) {
        self.write = write
        self.writeBytes = { bytes in String(decoding: bytes, as: UTF8.self).split(separator: "\n").forEach { write(String($0)) } }
        self.writeLines = { $0.forEach(write) }
    }

    private init(descriptor: Int32) {
        write = { line in Console.write(line + "\n", to: descriptor) }
        writeBytes = { Console.write(UnsafeRawBufferPointer($0), to: descriptor) }
        writeLines = { lines in Console.write(lines.joined(separator: "\n") + "\n", to: descriptor) }
    }

    /// The runner's standard error.
    public static let standardError = LambdaLog(descriptor: STDERR_FILENO)

    /// `--log-file`: appended to, created if missing.
    public static func file(_ path: String) throws -> LambdaLog {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw LambdaEmulatorError("cannot open the log file \(path): errno \(errno)") }
        return LambdaLog(descriptor: descriptor)
    }

    /// Writes one line.
    public func line(_ text: String) { write(text) }

    /// Writes lines that belong together (END and REPORT) at once: one `write` for all.
    func lines(_ texts: [String]) { writeLines(texts) }

    /// Writes a function's output as it came.
    func raw(_ bytes: UnsafeBufferPointer<UInt8>) { writeBytes(bytes) }
}
