/// SHA-256 (FIPS 180-4), incremental: `update` any number of times, then `finalize` once.
///
/// A value type, so HMAC can copy a hasher that has already absorbed a key's pad block.
public struct SHA256: Sendable {
    /// The size of one compression block, in bytes.
    public static let blockByteCount = 64
    /// The size of a digest, in bytes.
    public static let digestByteCount = 32

    var state = SHA256State.initial
    /// Bytes not yet compressed; always fewer than one block.
    private var pending = SHA256Block()
    private var pendingCount = 0
    /// Everything absorbed so far, in bytes.
    private var length: UInt64 = 0

    /// A hasher that has absorbed nothing.
    public init() {}

    /// The digest of `bytes` in one call.
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> SHA256Digest {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// The digest of `bytes` in one call.
    public static func hash(_ bytes: [UInt8]) -> SHA256Digest {
        bytes.withUnsafeBytes { hash($0) }
    }

    /// The digest of the UTF-8 of `text` in one call.
    public static func hash(_ text: String) -> SHA256Digest {
        var text = text
        return text.withUTF8 { hash(UnsafeRawBufferPointer($0)) }
    }

    /// The digest of any bytes in one call.
    public static func hash(_ bytes: some Collection<UInt8>) -> SHA256Digest {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// Absorbs `bytes`.
    public mutating func update(_ bytes: some Collection<UInt8>) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        if done == nil { Array(bytes).withUnsafeBytes { update($0) } }
    }

    /// Absorbs the bytes of `buffer`; whole blocks are compressed straight from it, without a copy.
    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        guard var input = buffer.baseAddress, !buffer.isEmpty else { return }
        var remaining = buffer.count
        length &+= UInt64(remaining)
        if pendingCount > 0 {
            let taken = min(remaining, SHA256.blockByteCount - pendingCount)
            pending.withBytes { $0.baseAddress!.advanced(by: pendingCount).copyMemory(from: input, byteCount: taken) }
            pendingCount += taken
            input += taken
            remaining -= taken
            guard pendingCount == SHA256.blockByteCount else { return }
            pending.withBytes { state.compress(blocks: UnsafeRawPointer($0.baseAddress!), count: 1) }
            pendingCount = 0
        }
        let wholeBlocks = remaining / SHA256.blockByteCount
        if wholeBlocks > 0 {
            state.compress(blocks: input, count: wholeBlocks)
            input += wholeBlocks * SHA256.blockByteCount
            remaining -= wholeBlocks * SHA256.blockByteCount
        }
        if remaining > 0 {
            pending.withBytes { $0.baseAddress!.copyMemory(from: input, byteCount: remaining) }
            pendingCount = remaining
        }
    }

    /// Pads the message (a 1 bit, zeros, the 64-bit bit length) and returns the digest.
    public consuming func finalize() -> SHA256Digest {
        let bitLength = length &* 8
        var padding = SHA256Block()  // zeros
        let paddingCount = pendingCount < 56 ? 56 - pendingCount : 120 - pendingCount
        var trailer = bitLength.bigEndian
        padding.withBytes { bytes in
            bytes[0] = 0x80
            let lengthOffset = paddingCount
            if lengthOffset + 8 <= SHA256.blockByteCount {
                withUnsafeBytes(of: &trailer) { bytes.baseAddress!.advanced(by: lengthOffset).copyMemory(from: $0.baseAddress!, byteCount: 8) }
                update(UnsafeRawBufferPointer(rebasing: bytes[0..<(lengthOffset + 8)]))
            } else {
                update(UnsafeRawBufferPointer(rebasing: bytes[0..<paddingCount]))
                withUnsafeBytes(of: &trailer) { update($0) }
            }
        }
        return SHA256Digest(state: state)
    }
}

/// Sixty-four bytes of scratch space that live inline in `SHA256`, not on the heap.
struct SHA256Block: Sendable {
    private var storage: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)

    mutating func withBytes<R>(_ body: (UnsafeMutableRawBufferPointer) -> R) -> R {
        withUnsafeMutableBytes(of: &storage, body)
    }
}
