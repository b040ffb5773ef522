import RaidHubJWT
import Testing

@Suite struct ConstantTimeTests {
    @Test(arguments: [
        ("", "", true), ("a", "a", true), ("secret", "secret", true),
        ("secret", "secreT", false), ("secret", "Secret", false), ("secret", "secret!", false),
        ("", "x", false), ("abc", "ab", false),
    ])
    func comparesWholeByteStrings(lhs: String, rhs: String, equal: Bool) {
        #expect(ConstantTime.equals(Array(lhs.utf8), Array(rhs.utf8)) == equal)
    }
}
