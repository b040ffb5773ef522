import Foundation
import RaidHubAuth
import RaidHubJWT
import RaidHubTestSupport
import Testing

/// Mutated inputs: whatever a client sends, the answer is a well-formed envelope with a 2xx or
/// 4xx status, and a token is either verified or refused with a reason, never a trap.
@Suite struct RobustnessTests {
    static let seedBody = Array(#"{"bungieMembershipId":"12345678","destinyMembershipIds":["4611686018488107374","1"],"clientSecret":"\#(AuthTestFixtures.clientSecret)"}"#.utf8)
    static let interesting = Array(#"{}[]",:\0123456789-+.eEtrufalsn "#.utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xA9, 0xED, 0xFF]

    @Test func mutatedBodiesNeverCauseA500() throws {
        var random = SeededGenerator(seed: 2024)
        for _ in 0..<5000 {
            let body = mutate(Self.seedBody, using: &random)
            let response = AuthTestFixtures.userEndpoint.respond(to: body)
            #expect([200, 400, 403].contains(response.status), "status \(response.status)")
            #expect(try JSONSerialization.jsonObject(with: Data(response.body)) is [String: Any])
        }
    }

    @Test func mutatedTokensAreRefusedCleanly() {
        let keys = AuthTestFixtures.keys
        let id = MembershipId(12_345_678)!
        let token = Array(RaidHubTokenIssuer(keys: keys).mint(.user(bungieMembershipId: id, destinyMembershipIds: [id], issuedAt: 1_709_508_600)).value.utf8)
        let verifier = RaidHubTokenVerifier(keys: keys)
        var random = SeededGenerator(seed: 99)
        for _ in 0..<5000 {
            let mutated = mutate(token, using: &random)
            let isAccepted = (try? verifier.verify(String(decoding: mutated, as: UTF8.self), now: AuthTestFixtures.now)) != nil
            // Canonical base64url and a MAC over the exact bytes: any other spelling is a forgery.
            #expect(isAccepted == (mutated == token))
        }
        #expect(throws: RaidHubTokenError.self) { try verifier.verify(String(decoding: token.dropLast(), as: UTF8.self), now: AuthTestFixtures.now) }
    }

    private func mutate(_ input: [UInt8], using random: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            let position = Int.random(in: 0...bytes.count, using: &random)
            switch Int.random(in: 0...3, using: &random) {
            case 0 where position < bytes.count: bytes[position] = Self.interesting.randomElement(using: &random)!
            case 1 where position < bytes.count: bytes.remove(at: position)
            case 2: bytes.insert(Self.interesting.randomElement(using: &random)!, at: position)
            default: bytes = Array(bytes[..<position])
            }
        }
        return bytes
    }
}
