import RaidHubJSON
import Testing

@Suite struct JSONWriterTests {
    @Test func writesCompactJSONInCallOrder() {
        var writer = JSONWriter()
        writer.openObject()
        writer.key("b"); writer.integer(-9_223_372_036_854_775_808)
        writer.key("a"); writer.openArray(); writer.string("x"); writer.bool(true); writer.null(); writer.openObject(); writer.closeObject(); writer.closeArray()
        writer.key("c"); writer.integer(0)
        writer.closeObject()
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #"{"b":-9223372036854775808,"a":["x",true,null,{}],"c":0}"#)
    }

    @Test func escapesWhatJSONRequires() throws {
        var writer = JSONWriter()
        writer.string("q\"b\\n\n\r\t\u{08}\u{0C}\u{01}\u{1F}é😀/")
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #""q\"b\\n\n\r\t\b\f\u0001\u001fé😀/""#)
        #expect(try JSONParser.parse(writer.bytes) == .string("q\"b\\n\n\r\t\u{08}\u{0C}\u{01}\u{1F}é😀/"))
    }
}
