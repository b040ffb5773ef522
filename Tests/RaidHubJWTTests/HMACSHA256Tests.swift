import RaidHubJWT
import RaidHubTestSupport
import Testing

@Suite struct HMACSHA256Tests {
    struct Vector: Decodable {
        let keyHex: String
        let msgHex: String
        let hmacSha256Hex: String
    }

    @Test func agreesWithEveryReferenceVector() throws {
        let vectors = try Fixtures.vectors("vectors/hmac-sha256.json", as: Vector.self)
        #expect(vectors.count == 130)
        for vector in vectors {
            let mac = HMACSHA256(key: Hex.bytes(vector.keyHex)).authenticationCode(for: Hex.bytes(vector.msgHex))
            #expect(mac.description == vector.hmacSha256Hex, "key \(vector.keyHex.count / 2) bytes")
        }
    }

    /// RFC 4231 §4.2-4.8, test cases 1 to 7 (case 5's MAC is truncated to 128 bits).
    static let rfc4231: [(key: String, data: String, mac: String)] = [
        (String(repeating: "0b", count: 20), "4869205468657265",
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        ("4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        (String(repeating: "aa", count: 20), String(repeating: "dd", count: 50),
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        ("0102030405060708090a0b0c0d0e0f10111213141516171819", String(repeating: "cd", count: 50),
         "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        (String(repeating: "0c", count: 20), "546573742057697468205472756e636174696f6e",
         "a3b6167473100ee06e0c796c2955552b"),
        (String(repeating: "aa", count: 131),
         "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374",
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        (String(repeating: "aa", count: 131),
         "5468697320697320612074657374207573696e672061206c6172676572207468616e20626c6f636b2d73697a65206b657920616e642061206c6172676572207468616e20626c6f636b2d73697a6520646174612e20546865206b6579206e6565647320746f20626520686173686564206265666f7265206265696e6720757365642062792074686520484d414320616c676f726974686d2e",
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ]

    @Test(arguments: 0..<7)
    func matchesRFC4231(caseIndex: Int) {
        let vector = Self.rfc4231[caseIndex]
        let mac = HMACSHA256(key: Hex.bytes(vector.key))
        let message = Hex.bytes(vector.data)
        let expected = Hex.bytes(vector.mac)
        let isValid = expected.withUnsafeBytes { code in message.withUnsafeBytes { mac.isValidAuthenticationCode(code, for: $0) } }
        if expected.count == 16 {
            // Case 5: the truncated value is the MAC's prefix, and verification must still refuse it.
            #expect(mac.authenticationCode(for: message).bytes.prefix(16).elementsEqual(expected))
            #expect(!isValid)
        } else {
            #expect(mac.authenticationCode(for: message).description == vector.mac)
            #expect(isValid)
        }
    }

    @Test func verificationRefusesAnyFlippedBit() {
        let mac = HMACSHA256(key: Array("key".utf8))
        let message = Array("message".utf8)
        let good = mac.authenticationCode(for: message).bytes
        for bit in 0..<(good.count * 8) {
            var bad = good
            bad[bit / 8] ^= 1 << (bit % 8)
            let accepted = bad.withUnsafeBytes { code in message.withUnsafeBytes { mac.isValidAuthenticationCode(code, for: $0) } }
            #expect(!accepted, "bit \(bit)")
        }
    }

    @Test func neverDescribesItsKey() {
        let mac = HMACSHA256(key: Array("super-secret-key-material".utf8))
        var dumped = ""
        dump(mac, to: &dumped)
        for text in [String(describing: mac), String(reflecting: mac), dumped, "\(mac)"] {
            #expect(text.contains("redacted"))
            #expect(!text.contains("super-secret"))
        }
    }
}
