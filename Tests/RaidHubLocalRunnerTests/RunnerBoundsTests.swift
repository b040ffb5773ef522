import Foundation
import RaidHubHTTPServer
import RaidHubLocalRunner
import RaidHubTestSupport
import RaidHubYAML
import Testing

/// What a client or a function sends cannot stop the runner, and what it holds is bounded: each
/// probe over a real socket, and the runner still serving after it.
@Suite(.serialized) struct RunnerBoundsTests {
    /// Any query answers: `?=` once trapped on the runner's loop thread (an index out of range),
    /// taking every client and warm instance with it.
    @Test(arguments: ["?=", "?=&=", "?&&", "?a", "?=x", "?x=", "?%", "?a=%zz&%zz=b", "?a=1&a=2&=3", "?" + String(repeating: "=&", count: 500)])
    func answersAnyQuery(query: String) throws {
        let (server, runner, base) = try StartAPITests.serve(try StartAPITests.projectTemplate())
        defer { server.stop(); runner.shutdown() }
        let answer = try RunnerHTTPClient.send("POST", base + "/authorize/user" + query, body: Data("{}".utf8))
        #expect(answer.status == 400)
        #expect(try RunnerHTTPClient.send("GET", base + "/player/whoami").status == 200, "still serving")
    }

    /// A megabyte in one-byte chunks costs at most five times the same megabyte in one chunk
    /// (it took 7 to 11 s: the decoder copied the body at every chunk).
    @Test func decodesAMegabyteOfOneByteChunksInLinearTime() throws {
        let (server, runner, base) = try StartAPITests.serve(try StartAPITests.projectTemplate())
        defer { server.stop(); runner.shutdown() }
        let port = try #require(UInt16(base.split(separator: ":").last ?? ""))
        let megabyte = 1024 * 1024
        let oneChunk = "POST /authorize/user HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
            + String(megabyte, radix: 16) + "\r\n" + String(repeating: "x", count: megabyte) + "\r\n0\r\n\r\n"
        let oneByteChunks = "POST /authorize/user HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
            + String(repeating: "1\r\nx\r\n", count: megabyte) + "0\r\n\r\n"
        func fastest(_ request: String) throws -> Duration {
            try (0..<3).map { _ in
                let connection = try RawConnection(port: port)
                let start = ContinuousClock.now
                connection.send(request)
                #expect(connection.readResponse()?.status == 413, "the function's own answer to a body over its limit")
                return ContinuousClock.now - start
            }.min()!
        }
        let whole = try fastest(oneChunk), chunked = try fastest(oneByteChunks)
        #expect(chunked < whole * 5, "a megabyte: \(whole) in one chunk, \(chunked) in one-byte chunks")
    }
}
