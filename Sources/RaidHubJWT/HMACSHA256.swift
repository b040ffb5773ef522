/// HMAC-SHA256 (RFC 2104) under one key, with the key's inner and outer pad blocks absorbed once,
/// at creation: each MAC then costs the message's blocks plus one outer block, no key hashing.
public struct HMACSHA256: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// A hasher that has absorbed `key XOR ipad`.
    private let inner: SHA256
    /// A hasher that has absorbed `key XOR opad`.
    private let outer: SHA256

    /// Prepares the pads for `key`; a key longer than a block is hashed first, as RFC 2104 says.
    public init(key: some Collection<UInt8>) {
        var block = [UInt8](repeating: 0, count: SHA256.blockByteCount)
        if key.count > SHA256.blockByteCount {
            SHA256.hash(key).withUnsafeBytes { block.replaceSubrange(0..<$0.count, with: $0) }
        } else {
            block.replaceSubrange(0..<key.count, with: key)
        }
        var inner = SHA256(), outer = SHA256()
        inner.update(block.map { $0 ^ 0x36 })
        outer.update(block.map { $0 ^ 0x5c })
        for index in block.indices { block[index] = 0 }  // don't leave key material in freed memory
        self.inner = inner
        self.outer = outer
    }

    /// The MAC of `message`.
    public func authenticationCode(for message: UnsafeRawBufferPointer) -> SHA256Digest {
        var innerHash = inner
        innerHash.update(message)
        var outerHash = outer
        innerHash.finalize().withUnsafeBytes { outerHash.update($0) }
        return outerHash.finalize()
    }

    /// The MAC of `message`.
    public func authenticationCode(for message: some Collection<UInt8>) -> SHA256Digest {
        if let code = message.withContiguousStorageIfAvailable({ authenticationCode(for: UnsafeRawBufferPointer($0)) }) {
            return code
        }
        return Array(message).withUnsafeBytes { authenticationCode(for: $0) }
    }

    /// Whether `code` is the full 32-byte MAC of `message`, compared in constant time.
    /// A truncated MAC is refused: accepting one would cut the forgery cost by its missing bits.
    public func isValidAuthenticationCode(_ code: UnsafeRawBufferPointer, for message: UnsafeRawBufferPointer) -> Bool {
        ConstantTime.equals(authenticationCode(for: message), code)
    }

    /// Never shows the key or its pads.
    public var description: String { "HMACSHA256(key: <redacted>)" }
    /// Never shows the key or its pads.
    public var debugDescription: String { description }
    /// Keeps `dump` and the debugger from walking into the pads.
    public var customMirror: Mirror { Mirror(self, children: ["key": "<redacted>"]) }
}
