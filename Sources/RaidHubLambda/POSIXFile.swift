#if canImport(Glibc)
import Glibc
#endif

/// Whole reads and complete writes on file descriptors, without Foundation (a function's binary
/// holds only the standard library and Glibc).
enum POSIXFile {
    /// Writes all of `bytes` to `descriptor`, retrying short writes and interruptions. Gives up
    /// quietly when the descriptor is closed or broken: a log that cannot be written must not
    /// stop a function from serving (SIGPIPE is ignored by `FunctionProcess`).
    static func write(_ bytes: [UInt8], to descriptor: Int32) {
        bytes.withUnsafeBytes { buffer in
            var written = 0
            while written < buffer.count {
                let count = Glibc.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { return }
                written += count
            }
        }
    }

    /// Every byte of the file at `path`, or of standard input when `path` is nil.
    static func readAll(path: String?) throws(POSIXFileError) -> [UInt8] {
        let descriptor = path.map { open($0, O_RDONLY | O_CLOEXEC) } ?? STDIN_FILENO
        guard descriptor >= 0 else { throw POSIXFileError(path: path, code: errno) }
        defer { if path != nil { close(descriptor) } }
        // Read through a scratch buffer malloc leaves uninitialised: a zero-filled 64 KiB array
        // touches 16 pages at every cold start for a 2 KB event.
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 1)
        defer { chunk.deallocate() }
        var bytes: [UInt8] = []
        while true {
            let count = read(descriptor, chunk.baseAddress, chunk.count)
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw POSIXFileError(path: path, code: errno) }
            if count == 0 { return bytes }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[0..<count]))
        }
    }
}

/// A file that could not be read: where, and the system's reason.
struct POSIXFileError: Error, CustomStringConvertible {
    /// The path, or nil for standard input.
    let path: String?
    /// `errno`.
    let code: Int32

    var description: String {
        "cannot read the event from \(path ?? "standard input"): \(String(cString: strerror(code)))"
    }
}
