import RaidHubJWT
import RaidHubTestSupport
import Testing

@Suite struct SHA256Tests {
    struct Vector: Decodable {
        let msgHex: String?
        let `repeat`: String?
        let times: Int?
        let sha256Hex: String
    }

    @Test func agreesWithEveryReferenceVector() throws {
        let vectors = try Fixtures.vectors("vectors/sha256.json", as: Vector.self)
        #expect(vectors.count == 314)
        for vector in vectors {
            let message: [UInt8]
            if let hex = vector.msgHex {
                message = Hex.bytes(hex)
            } else {
                let unit = Array(try #require(vector.repeat).utf8)
                message = Array(repeating: unit, count: try #require(vector.times)).flatMap { $0 }
            }
            #expect(SHA256.hash(message).description == vector.sha256Hex, "message of \(message.count) bytes")
        }
    }

    /// FIPS 180-4 / NIST "Examples with intermediate values": SHA256.pdf.
    @Test(arguments: [
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func matchesFIPSExamples(message: String, digest: String) {
        #expect(SHA256.hash(Array(message.utf8)).description == digest)
    }

    @Test func hashesOneMillionAs() {
        let message = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256.hash(message).description == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func streamingInAnyChunkSizeEqualsOneShot() {
        var random = SeededGenerator(seed: 1)
        let message = random.bytes(1000)
        let expected = SHA256.hash(message).description
        for chunkSize in [1, 3, 55, 56, 63, 64, 65, 127, 128, 999] {
            var hasher = SHA256()
            for start in stride(from: 0, to: message.count, by: chunkSize) {
                hasher.update(message[start..<min(start + chunkSize, message.count)])
            }
            #expect(hasher.finalize().description == expected, "chunk size \(chunkSize)")
        }
    }

    @Test func digestBytesAreTheHexDigest() {
        let digest = SHA256.hash(Array("abc".utf8))
        #expect(Hex.string(digest.bytes) == digest.description)
        #expect(digest.bytes.count == SHA256.digestByteCount)
    }
}
