/// SHA-256's eight chaining words and its compression function (FIPS 180-4 §6.2.2).
struct SHA256State: Sendable, Equatable {
    var h0, h1, h2, h3, h4, h5, h6, h7: UInt32

    /// FIPS 180-4 §5.3.3: the first 32 bits of the fractional parts of the square roots of the first 8 primes.
    static let initial = SHA256State(
        h0: 0x6a09e667, h1: 0xbb67ae85, h2: 0x3c6ef372, h3: 0xa54ff53a,
        h4: 0x510e527f, h5: 0x9b05688c, h6: 0x1f83d9ab, h7: 0x5be0cd19)

    /// FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes.
    private static let roundConstants: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    /// Compresses `count` consecutive 64-byte blocks starting at `blocks` into this state.
    ///
    /// The schedule lives in a stack buffer and the constants are read through one pointer, so the
    /// loop does no allocation and no bounds checks: this is the whole cost of every HMAC.
    mutating func compress(blocks: UnsafeRawPointer, count: Int) {
        Self.roundConstants.withUnsafeBufferPointer { k in
            // w[0..<64] is the message schedule; w[64..<128] holds K[t] + W[t] for the rounds.
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 128) { w in
                var block = blocks
                for _ in 0..<count {
                    Self.schedule(block, into: w.baseAddress!, constants: k.baseAddress!)
                    compressBlock(roundInputs: w.baseAddress! + 64)
                    block += 64
                }
            }
        }
    }

    /// FIPS 180-4 §6.2.2 step 1, plus the addition of the round constants, in one
    /// throughput-bound pass, so that each latency-bound round reads a single word.
    @inline(__always)
    private static func schedule(_ block: UnsafeRawPointer, into w: UnsafeMutablePointer<UInt32>, constants k: UnsafePointer<UInt32>) {
        for t in 0..<16 {
            w[t] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: t &* 4, as: UInt32.self))
            w[64 &+ t] = w[t] &+ k[t]
        }
        for t in 16..<64 {
            let x = w[t &- 15], y = w[t &- 2]
            let s0 = x.rotatedRight(7) ^ x.rotatedRight(18) ^ (x &>> 3)
            let s1 = y.rotatedRight(17) ^ y.rotatedRight(19) ^ (y &>> 10)
            w[t] = w[t &- 16] &+ s0 &+ w[t &- 7] &+ s1
            w[64 &+ t] = w[t] &+ k[t]
        }
    }

    @inline(__always)
    private mutating func compressBlock(roundInputs kw: UnsafePointer<UInt32>) {
        var a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7
        var bXorC = b ^ c
        // Eight rounds per pass with the roles of a...h rotated by argument order instead of by
        // moving values between registers.
        for t in stride(from: 0, to: 64, by: 8) {
            Self.round(a, b, c, &d, e, f, g, &h, kw[t], &bXorC)
            Self.round(h, a, b, &c, d, e, f, &g, kw[t &+ 1], &bXorC)
            Self.round(g, h, a, &b, c, d, e, &f, kw[t &+ 2], &bXorC)
            Self.round(f, g, h, &a, b, c, d, &e, kw[t &+ 3], &bXorC)
            Self.round(e, f, g, &h, a, b, c, &d, kw[t &+ 4], &bXorC)
            Self.round(d, e, f, &g, h, a, b, &c, kw[t &+ 5], &bXorC)
            Self.round(c, d, e, &f, g, h, a, &b, kw[t &+ 6], &bXorC)
            Self.round(b, c, d, &e, f, g, h, &a, kw[t &+ 7], &bXorC)
        }
        h0 &+= a; h1 &+= b; h2 &+= c; h3 &+= d
        h4 &+= e; h5 &+= f; h6 &+= g; h7 &+= h
    }
}

extension SHA256State {
    /// One round of FIPS 180-4 §6.2.2 step 3, `kw` being K[t] + W[t]: `d` becomes the new `e` and
    /// `h` the new `a`. Ch and Maj are written in their equivalent forms with one operation fewer.
    @inline(__always)
    fileprivate static func round(
        _ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32,
        _ e: UInt32, _ f: UInt32, _ g: UInt32, _ h: inout UInt32, _ kw: UInt32, _ bXorC: inout UInt32
    ) {
        let sigma1 = e.rotatedRight(6) ^ e.rotatedRight(11) ^ e.rotatedRight(25)
        let choose = g ^ (e & (f ^ g))
        let t1 = h &+ sigma1 &+ choose &+ kw
        let sigma0 = a.rotatedRight(2) ^ a.rotatedRight(13) ^ a.rotatedRight(22)
        // Maj(a,b,c) = b ^ ((a ^ b) & (b ^ c)), and this round's b ^ c is the last round's a ^ b.
        let aXorB = a ^ b
        let majority = b ^ (aXorB & bXorC)
        bXorC = aXorB
        d &+= t1
        h = t1 &+ sigma0 &+ majority
    }
}

extension UInt32 {
    @inline(__always)
    fileprivate func rotatedRight(_ count: UInt32) -> UInt32 {
        (self &>> count) | (self &<< (32 &- count))
    }
}
