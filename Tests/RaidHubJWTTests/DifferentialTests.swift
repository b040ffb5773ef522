import Foundation
import RaidHubJWT
import RaidHubTestSupport
import Testing

/// Compares against Python's hashlib, hmac and PyJWT on inputs they did not see before: an
/// implementation written independently of ours. Skipped, with the reason printed, without Python.
@Suite struct DifferentialTests {
    @Test(.enabled(if: PythonOracle.isAvailable(importing: "hashlib", "hmac"), "python3 is not installed"))
    func sha256AndHMACAgreeWithPython() throws {
        var random = SeededGenerator(seed: 11)
        var cases: [(key: [UInt8], message: [UInt8])] = []
        for length in [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 4096, 10_000] {
            cases.append((random.bytes(Int.random(in: 0...150, using: &random)), random.bytes(length)))
        }
        for _ in 0..<200 {
            cases.append((random.bytes(Int.random(in: 0...200, using: &random)), random.bytes(Int.random(in: 0...300, using: &random))))
        }
        let input = cases.map { Hex.string($0.key) + " " + Hex.string($0.message) }.joined(separator: "\n")
        let script = """
        import sys, hashlib, hmac
        for line in sys.stdin.read().split("\\n"):
            k, m = (bytes.fromhex(p) for p in line.split(" "))
            print(hashlib.sha256(m).hexdigest(), hmac.new(k, m, hashlib.sha256).hexdigest())
        """
        let lines = String(decoding: try PythonOracle.run(script, input: Data(input.utf8)), as: UTF8.self).split(separator: "\n")
        #expect(lines.count == cases.count)
        for (line, testCase) in zip(lines, cases) {
            let expected = line.split(separator: " ").map(String.init)
            #expect(SHA256.hash(testCase.message).description == expected[0])
            #expect(HMACSHA256(key: testCase.key).authenticationCode(for: testCase.message).description == expected[1])
        }
    }

    @Test(.enabled(if: PythonOracle.isAvailable(importing: "jwt"), "PyJWT is not installed (pip install PyJWT)"))
    func tokensInteroperateWithPyJWT() throws {
        let secret = "differential-secret-0123456789abcdef0123"
        let key = try HS256Key(secret: secret)
        let verifier = JWTVerifier(keys: JWTKeySet(current: key))
        let ours = JWTSigner(key: key).sign(payload: Array(#"{"sub":"ours","n":[1,"é"],"iat":1709508600,"exp":4102444800}"#.utf8))
        let script = """
        import sys, json, jwt
        secret = "\(secret)"
        token = sys.stdin.read()
        claims = jwt.decode(token, secret, algorithms=["HS256"], options={"verify_iat": False})
        print(json.dumps(claims, separators=(",", ":"), sort_keys=True, ensure_ascii=False))
        print(jwt.encode({"sub": "pyjwt", "iat": 1709508600, "exp": 4102444800}, secret, algorithm="HS256"))
        print(jwt.encode({"iat": 1709508600, "exp": 4102444800}, "another-secret-0123456789abcdef0123456", algorithm="HS256"))
        """
        let lines = String(decoding: try PythonOracle.run(script, input: Data(ours.utf8)), as: UTF8.self)
            .split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0] == #"{"exp":4102444800,"iat":1709508600,"n":[1,"é"],"sub":"ours"}"#)
        let theirs = try verifier.verify(lines[1], now: 1_709_508_600)
        #expect(theirs.claims["sub"]?.stringValue == "pyjwt")
        #expect(throws: JWTVerificationError.signatureMismatch) { try verifier.verify(lines[2], now: 1_709_508_600) }
    }
}
