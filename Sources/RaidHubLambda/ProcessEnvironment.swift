#if canImport(Glibc)
import Glibc
#endif

/// The process's environment without Foundation: read once at start, and the one variable the
/// Runtime API loop rewrites on every invocation.
enum ProcessEnvironment {
    /// Every `NAME=value` of `environ`, as a dictionary (a later duplicate name wins). Split on
    /// bytes: this runs in every cold start, and a `Character` search costs more than the rest
    /// of the start-up together.
    static func current() -> [String: String] {
        var variables = [String: String](minimumCapacity: 64)
        var entry = environ
        while let pointer = entry.pointee {
            let count = strlen(pointer)
            pointer.withMemoryRebound(to: UInt8.self, capacity: count) { bytes in
                let text = UnsafeBufferPointer(start: bytes, count: count)
                if let equals = text.firstIndex(of: UInt8(ascii: "=")) {
                    variables[String(decoding: text[..<equals], as: UTF8.self)] = String(decoding: text[(equals + 1)...], as: UTF8.self)
                }
            }
            entry += 1
        }
        return variables
    }
}

/// One environment variable set again for every invocation (`_X_AMZN_TRACE_ID`), written in
/// place in a buffer this type owns.
///
/// Why not `setenv`: glibc keeps every string `setenv` ever allocated (a caller of `getenv` may
/// still hold the old one), so a new value per invocation leaked about 110 bytes each time: a
/// warm instance grew by 110 MB over a million invocations. `putenv` puts our own buffer in
/// `environ` instead; a value that fits is copied over the last one, and the buffer is only
/// replaced (and the old one freed) when a longer value arrives, so memory stays flat.
/// The functions are single-threaded: nothing reads the environment while it is rewritten.
final class ReusedEnvironmentVariable: @unchecked Sendable {
    private let name: [UInt8]
    private var buffer: UnsafeMutablePointer<CChar>?
    private var capacity = 0
    private var isSet = false

    /// The variable `name`, left as it is until the first `set`.
    init(name: String) {
        self.name = Array(name.utf8)
    }

    deinit {
        // Still in `environ` while set: leave it there rather than free what `environ` points at.
        if !isSet { buffer?.deallocate() }
    }

    /// Sets the variable to `value`, or removes it when nil.
    func set(_ value: String?) {
        guard let value else {
            if isSet { unsetenv(String(decoding: name, as: UTF8.self)) }
            isSet = false
            return
        }
        let needed = name.count + 1 + value.utf8.count + 1
        if needed > capacity {
            let grown = UnsafeMutablePointer<CChar>.allocate(capacity: max(needed, 2 * capacity, 128))
            write(value, into: grown)
            putenv(grown)  // replaces the old pointer in `environ` before the old buffer goes
            buffer?.deallocate()
            buffer = grown
            capacity = max(needed, 2 * capacity, 128)
        } else {
            write(value, into: buffer!)
            if !isSet { putenv(buffer!) }
        }
        isSet = true
    }

    private func write(_ value: String, into destination: UnsafeMutablePointer<CChar>) {
        var index = 0
        for byte in name { destination[index] = CChar(bitPattern: byte); index += 1 }
        destination[index] = CChar(bitPattern: UInt8(ascii: "=")); index += 1
        for byte in value.utf8 { destination[index] = CChar(bitPattern: byte); index += 1 }
        destination[index] = 0
    }
}
