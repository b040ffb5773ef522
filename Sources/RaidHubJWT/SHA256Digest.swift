/// A SHA-256 digest: 32 bytes, kept as the eight big-endian words the hash ends with.
public struct SHA256Digest: Sendable, CustomStringConvertible {
    let state: SHA256State

    /// The 32 digest bytes.
    public var bytes: [UInt8] {
        withUnsafeBytes(Array.init)
    }

    /// Calls `body` with the 32 digest bytes, without allocating.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var bigEndian = (
            state.h0.bigEndian, state.h1.bigEndian, state.h2.bigEndian, state.h3.bigEndian,
            state.h4.bigEndian, state.h5.bigEndian, state.h6.bigEndian, state.h7.bigEndian)
        return try Swift.withUnsafeBytes(of: &bigEndian, body)
    }

    /// Lower-case hex, as `sha256sum` prints it.
    public var description: String {
        withUnsafeBytes { bytes in
            let hex = Array("0123456789abcdef".utf8)
            var text = [UInt8]()
            text.reserveCapacity(64)
            for byte in bytes {
                text.append(hex[Int(byte >> 4)])
                text.append(hex[Int(byte & 0x0F)])
            }
            return String(decoding: text, as: UTF8.self)
        }
    }
}
