import RaidHubHTTP
import Testing

/// The client side: responses as the Runtime API (or any HTTP/1.1 server) writes them, whole or
/// in pieces.
@Suite struct HTTPResponseParserTests {
    static let next = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nLambda-Runtime-Aws-Request-Id: 8476a536\r\n"
        + "lambda-runtime-deadline-ms:1542409706888\r\nLambda-Runtime-Trace-Id: \t Root=1-5bef4de7;Sampled=1 \t\r\n"
        + "Content-Length: 14\r\n\r\n{\"event\":true}"

    func parseAll(_ text: String, pieceSize: Int) throws -> [HTTPResponseParser.Response] {
        var parser = HTTPResponseParser()
        var responses: [HTTPResponseParser.Response] = []
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            parser.append(bytes[offset..<min(offset + pieceSize, bytes.count)])
            offset += pieceSize
            while let response = try parser.next() { responses.append(response) }
        }
        return responses
    }

    @Test(arguments: [1, 2, 3, 5, 64, 100_000])
    func readsAResponseDeliveredInAnyPieces(pieceSize: Int) throws {
        let responses = try parseAll(Self.next + "HTTP/1.1 202 Accepted\r\nContent-Length: 15\r\n\r\n{\"status\":\"OK\"}", pieceSize: pieceSize)
        #expect(responses.count == 2)
        #expect(responses[0].status == 200)
        #expect(responses[0].body == Array(#"{"event":true}"#.utf8))
        #expect(responses[0].header("LAMBDA-RUNTIME-AWS-REQUEST-ID") == "8476a536")
        #expect(responses[0].header("Lambda-Runtime-Deadline-Ms") == "1542409706888")
        #expect(responses[0].header("lambda-runtime-trace-id") == "Root=1-5bef4de7;Sampled=1", "optional white space is trimmed")
        #expect(responses[0].header("Lambda-Runtime-Client-Context") == nil)
        #expect(responses[0].headers.map(\.name) == ["Content-Type", "Lambda-Runtime-Aws-Request-Id", "lambda-runtime-deadline-ms", "Lambda-Runtime-Trace-Id", "Content-Length"])
        #expect(responses[1].status == 202)
        #expect(responses[1].body == Array(#"{"status":"OK"}"#.utf8))
    }

    @Test func readsChunkedBodiesAndStatusLinesWithoutAReason() throws {
        let responses = try parseAll("HTTP/1.1 200\r\nTransfer-Encoding: Chunked\r\n\r\n4\r\nWiki\r\n5;x=y\r\npedia\r\n0\r\n\r\nHTTP/1.0 204 No Content\r\n\r\n", pieceSize: 7)
        #expect(responses.map(\.status) == [200, 204])
        #expect(responses[0].body == Array("Wikipedia".utf8))
        #expect(responses[1].body.isEmpty)
    }

    @Test(arguments: [
        "HTTP/2 200 OK\r\n\r\n", "HTTP/1.1 20 OK\r\n\r\n", "HTTP/1.1 200OK\r\n\r\n", "ICY 200 OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nNo colon here\r\n\r\n", "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", "HTTP/1.1 200 OK\r\n: empty\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
    ])
    func refusesMalformedResponses(text: String) {
        var parser = HTTPResponseParser()
        parser.append(Array(text.utf8))
        #expect(throws: HTTPParseError.self) { try parser.next() }
    }

    @Test func refusesABodyOverItsLimitBeforeItArrives() {
        var parser = HTTPResponseParser(maximumBodyByteCount: 10)
        parser.append(Array("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n".utf8))
        #expect(throws: HTTPParseError.bodyTooLarge(limit: 10)) { try parser.next() }
    }
}
