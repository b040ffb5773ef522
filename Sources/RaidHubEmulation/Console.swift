import Foundation

/// The runner's standard output and error, written with plain `write(2)`: a closed pipe or
/// terminal (the runner piped into `head -1`, a closed terminal) loses the text but never stops
/// the runner. `FileHandle`'s writing traps on EPIPE, which killed it with SIGILL.
public enum Console {
    /// Writes `text` to standard error.
    public static func error(_ text: String) {
        write(Array(text.utf8), to: STDERR_FILENO)
    }

    /// Writes `bytes` to standard error.
    static func error(_ bytes: UnsafeBufferPointer<UInt8>) {
        write(UnsafeRawBufferPointer(bytes), to: STDERR_FILENO)
    }

    /// Writes `bytes` to standard output.
    public static func output(_ bytes: [UInt8]) {
        write(bytes, to: STDOUT_FILENO)
    }

    private static func write(_ bytes: [UInt8], to descriptor: Int32) {
        bytes.withUnsafeBytes { write($0, to: descriptor) }
    }

    /// Writes `text` to `descriptor` (a log file).
    package static func write(_ text: String, to descriptor: Int32) {
        write(Array(text.utf8), to: descriptor)
    }

    /// Writes `buffer` to `descriptor`, all of it unless the descriptor is closed or broken.
    package static func write(_ buffer: UnsafeRawBufferPointer, to descriptor: Int32) {
        var offset = 0
        while offset < buffer.count {
            let count = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return }  // closed or broken: the text is lost, the runner goes on
            offset += count
        }
    }
}
