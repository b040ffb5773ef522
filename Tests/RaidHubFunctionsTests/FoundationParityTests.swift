import Foundation
@testable import RaidHubFunctions
import RaidHubAPIGateway
import RaidHubTestSupport
import Testing

/// What the functions used to take from Foundation, now written on the standard library, checked
/// against Foundation itself (which the tests may link): base64 bodies and white-space trimming.
@Suite struct FoundationParityTests {
    func event(body: String) -> [UInt8] {
        Array(#"{"version":"2.0","rawPath":"/x","requestContext":{"http":{"method":"POST","path":"/x"}},"body":"\#(body)","isBase64Encoded":true}"#.utf8)
    }

    @Test func decodesEveryBase64BodyAsFoundationDoes() throws {
        var generator = SeededGenerator(seed: 10)
        for length in 0..<300 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let encoded = Data(bytes).base64EncodedString()
            let request = try APIGatewayRequest.decode(event(body: encoded))
            #expect(request.body == bytes, "length \(length)")
            #expect(request.body.map { Data($0) } == Data(base64Encoded: encoded))
        }
    }

    /// Foundation accepts a few malformed texts ("====" as one zero byte, `=` inside the text);
    /// API Gateway never writes them, and refusing them is the safer reading.
    @Test(arguments: ["YQ", "YQ=", "Y===", "====", "YQ=a", "=YWJ", "YQ==YQ==", "YW Jj", #"YWJj\n"#, "-_-_", "YWJjZA"])
    func refusesWhatIsNotPaddedBase64(text: String) throws {
        #expect(try APIGatewayRequest.decode(event(body: text)).body == nil)
    }

    @Test func acceptsUnusedTrailingBitsAsFoundationDoes() throws {
        #expect(try APIGatewayRequest.decode(event(body: "YR==")).body == Array("a".utf8))
        #expect(Data(base64Encoded: "YR==") == Data("a".utf8))
    }

    /// Every white space of either set lies in the Basic Multilingual Plane.
    @Test func trimsExactlyTheScalarsOfCharacterSetWhitespaces() {
        let disagreements = (UInt32(0)...0xFFFF).compactMap(Unicode.Scalar.init).filter { scalar in
            (String(scalar) + "a" + String(scalar)).trimmingSpaces() == "a" ? !CharacterSet.whitespaces.contains(scalar) : CharacterSet.whitespaces.contains(scalar)
        }
        #expect(disagreements.isEmpty, "\(disagreements.map { "U+" + String($0.value, radix: 16) })")
    }

    @Test func trimsTheSameSpacesAsCharacterSetWhitespaces() {
        let pieces = ["", " ", "\t", "\u{00A0}", "\u{2003}", "\u{3000}", "\u{202F}", "\n", "\r", "\u{200B}", "a", "Bearer", "é", "x y"]
        var generator = SeededGenerator(seed: 11)
        for _ in 0..<5_000 {
            let text = (0..<Int.random(in: 0...6, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            #expect(text.trimmingSpaces() == text.trimmingCharacters(in: .whitespaces), "\(text.unicodeScalars.map { $0.value })")
        }
    }
}
