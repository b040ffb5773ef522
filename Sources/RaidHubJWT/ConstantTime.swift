/// Comparisons whose running time does not depend on where two secrets differ.
public enum ConstantTime {
    /// Whether `lhs` and `rhs` hold the same bytes. The time taken depends only on the lengths:
    /// a length check, then an OR of the XOR of every byte pair, never an early exit.
    public static func equals(_ lhs: UnsafeRawBufferPointer, _ rhs: UnsafeRawBufferPointer) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in 0..<lhs.count {
            difference |= lhs[index] ^ rhs[index]
        }
        return difference == 0
    }

    /// Whether two byte collections are equal, compared as `equals(_:_:)` does.
    public static func equals(_ lhs: some Collection<UInt8>, _ rhs: some Collection<UInt8>) -> Bool {
        Array(lhs).withUnsafeBytes { left in Array(rhs).withUnsafeBytes { right in equals(left, right) } }
    }

    /// Whether `digest` equals `bytes`, without copying the digest to the heap.
    public static func equals(_ digest: SHA256Digest, _ bytes: UnsafeRawBufferPointer) -> Bool {
        digest.withUnsafeBytes { equals($0, bytes) }
    }
}
