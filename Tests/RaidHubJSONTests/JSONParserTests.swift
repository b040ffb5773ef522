import Foundation
import RaidHubJSON
import RaidHubTestSupport
import Testing

@Suite struct JSONParserTests {
    func parse(_ text: String) throws(JSONParseError) -> JSONValue { try JSONParser.parse(Array(text.utf8)) }

    @Test func readsEveryKindOfValue() throws {
        let value = try parse(#" {"a":[1,-0.5e+10,true,false,null,"x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"],"b":{}} "#)
        let object = try #require(value.objectValue)
        #expect(object.members.map(\.key) == ["a", "b"])
        let array = try #require(object["a"]?.arrayValue)
        #expect(array == [.number(JSONNumber(text: "1")), .number(JSONNumber(text: "-0.5e+10")), .bool(true), .bool(false), .null,
                          .string("x\"\\/\u{08}\u{0C}\n\r\té😀")])
        #expect(object["b"] == .object(JSONObject()))
    }

    @Test(arguments: [
        ("", JSONParseError.Reason.unexpectedEnd), ("  ", .unexpectedEnd), ("{", .unexpectedEnd), ("[1,", .unexpectedEnd),
        (#""abc"#, .unexpectedEnd), ("tru", .unexpectedEnd), ("nul", .unexpectedEnd),
        ("{,}", .unexpectedCharacter), ("[1,]", .unexpectedCharacter), (#"{"a":1,}"#, .unexpectedCharacter),
        ("{'a':1}", .unexpectedCharacter), ("[1 2]", .unexpectedCharacter), ("trUe", .unexpectedCharacter),
        ("NaN", .unexpectedCharacter), ("+1", .unexpectedCharacter), (".5", .unexpectedCharacter), ("\u{FEFF}{}", .unexpectedCharacter),
        ("01", .trailingContent), ("1 2", .trailingContent), ("{}}", .trailingContent), ("[]x", .trailingContent),
        ("-", .invalidNumber), ("1.", .invalidNumber), ("1e", .invalidNumber), ("1e+", .invalidNumber), ("-a", .invalidNumber),
        (#""\x""#, .invalidEscape), (#""\'""#, .invalidEscape),
        (#""\u12""#, .invalidUnicodeEscape), (#""\uD800""#, .invalidUnicodeEscape), (#""\uDC00""#, .invalidUnicodeEscape),
        (#""\uD800\u0041""#, .invalidUnicodeEscape), (#""\uZZZZ""#, .invalidUnicodeEscape),
        ("\"a\u{01}b\"", .controlCharacterInString), ("\"a\nb\"", .controlCharacterInString),
        (#"{"a":1,"a":1}"#, .duplicateKey), (#"{"a":1,"\u0061":2}"#, .duplicateKey),
    ])
    func refusesInvalidDocuments(text: String, reason: JSONParseError.Reason) {
        #expect {
            try parse(text)
        } throws: { error in
            (error as? JSONParseError)?.reason == reason
        }
    }

    @Test func refusesInvalidUTF8() {
        for bytes: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0xC3, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0x5C, 0x6E, 0xC0, 0xAF, 0x22]] {
            #expect(throws: JSONParseError.self) { try JSONParser.parse(bytes) }
        }
    }

    @Test func reportsThePathOfADuplicateKey() {
        #expect {
            try parse(#"{"a":[0,{"b":{"c":1,"c":2}}]}"#)
        } throws: { error in
            (error as? JSONParseError)?.path == [.key("a"), .index(1), .key("b"), .key("c")]
        }
    }

    @Test func findsDuplicatesInLargeObjects() throws {
        let members = (0..<5000).map { "\"k\($0)\":\($0)" }
        _ = try parse("{" + members.joined(separator: ",") + "}")
        #expect(throws: JSONParseError.self) { try parse("{" + (members + ["\"k4321\":0"]).joined(separator: ",") + "}") }
    }

    @Test func boundsNestingInsteadOfOverflowingTheStack() throws {
        let limit = JSONParser.maximumDepth
        _ = try parse(String(repeating: "[", count: limit) + String(repeating: "]", count: limit))
        for deep in [String(repeating: "[", count: limit + 1) + String(repeating: "]", count: limit + 1),
                     String(repeating: "[", count: 100_000), String(repeating: #"{"a":"#, count: 100_000)] {
            #expect {
                try parse(deep)
            } throws: { error in
                (error as? JSONParseError)?.reason == .tooDeep(limit: limit)
            }
        }
    }

    @Test func keepsIntegersExact() throws {
        #expect(JSONNumber(text: "9223372036854775807").int64Value == .max)
        #expect(JSONNumber(text: "-9223372036854775808").int64Value == .min)
        #expect(JSONNumber(text: "9223372036854775808").int64Value == nil)
        #expect(JSONNumber(text: "1.0").int64Value == nil)
        #expect(JSONNumber(text: "1e3").int64Value == nil)
        #expect(try parse("4611686018488107374") == .number(JSONNumber(text: "4611686018488107374")))
    }

    /// Documents Foundation accepts are read the same way (values compared after a round trip).
    @Test func agreesWithFoundationOnValidDocuments() throws {
        var random = SeededGenerator(seed: 3)
        for _ in 0..<300 {
            let document = randomDocument(depth: 0, using: &random)
            let text = try JSONSerialization.data(withJSONObject: ["root": document])
            let ours = try JSONParser.parse(Array(text))
            var writer = JSONWriter()
            writer.value(ours)
            let reread = try JSONSerialization.jsonObject(with: Data(writer.bytes)) as? NSDictionary
            let original = try JSONSerialization.jsonObject(with: text) as? NSDictionary
            #expect(reread == original)
        }
    }

    private func randomDocument(depth: Int, using random: inout SeededGenerator) -> Any {
        switch Int.random(in: depth > 3 ? 0...3 : 0...5, using: &random) {
        case 0: return Int.random(in: -1_000_000...1_000_000, using: &random)
        case 1: return String((0..<Int.random(in: 0...12, using: &random)).map { _ in
                Character(Unicode.Scalar([0x22, 0x5C, 0x0A, 0x41, 0xE9, 0x1F600, 0x7F].randomElement(using: &random)!)!) })
        case 2: return Bool.random(using: &random)
        case 3: return NSNull()
        case 4: return (0..<Int.random(in: 0...4, using: &random)).map { _ in randomDocument(depth: depth + 1, using: &random) }
        default:
            var object: [String: Any] = [:]
            for index in 0..<Int.random(in: 0...4, using: &random) { object["k\(index)"] = randomDocument(depth: depth + 1, using: &random) }
            return object
        }
    }
}
