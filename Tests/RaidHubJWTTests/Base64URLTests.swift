import RaidHubJWT
import RaidHubTestSupport
import Testing

@Suite struct Base64URLTests {
    struct Vector: Decodable {
        let rawHex: String
        let base64url: String
    }

    @Test func encodesAndDecodesEveryReferenceVector() throws {
        let vectors = try Fixtures.vectors("vectors/base64url.json", as: Vector.self)
        #expect(vectors.count == 65)
        for vector in vectors {
            let raw = Hex.bytes(vector.rawHex)
            #expect(Base64URL.encode(raw) == vector.base64url)
            #expect(try Base64URL.decode(Array(vector.base64url.utf8)) == raw)
            #expect(Base64URL.encodedCount(ofByteCount: raw.count) == vector.base64url.utf8.count)
        }
    }

    /// RFC 4648 §10, in the URL-safe alphabet and without padding.
    @Test(arguments: [("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"),
                      ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy")])
    func matchesRFC4648(raw: String, encoded: String) throws {
        #expect(Base64URL.encode(Array(raw.utf8)) == encoded)
        #expect(try Base64URL.decode(Array(encoded.utf8)) == Array(raw.utf8))
    }

    @Test(arguments: [
        ("Zg==", Base64URLError.padding), ("Zm8=", .padding), ("Zm9v=", .padding),
        ("+/8", .invalidCharacter), ("ab/c", .invalidCharacter), ("ab c", .invalidCharacter),
        ("ab\nc", .invalidCharacter), ("abé", .invalidCharacter), ("a.b", .invalidCharacter),
        ("Z", .impossibleLength), ("Zm9vY", .impossibleLength),
        ("Zh", .nonZeroTrailingBits), ("Zm9", .nonZeroTrailingBits), ("Zm_", .nonZeroTrailingBits),
    ])
    func refusesNonCanonicalText(text: String, reason: Base64URLError) {
        #expect(throws: reason) { try Base64URL.decode(Array(text.utf8)) }
    }

    @Test func roundTripsEveryLengthUpToThreeBlocks() throws {
        var random = SeededGenerator(seed: 7)
        for count in 0...200 {
            let raw = random.bytes(count)
            #expect(try Base64URL.decode(Array(Base64URL.encode(raw).utf8)) == raw)
        }
    }
}
