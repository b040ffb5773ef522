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

    /// One-byte chunks decode in time linear in the body (a megabyte took 7 to 11 s: the decoder
    /// copied the body at every chunk). A megabyte of them costs about four times a quarter
    /// megabyte, not sixteen, and within five times the same megabyte sent as one chunk (about
    /// three here: the one-byte form is six times the bytes on the wire). Both are over the
    /// function's limit, so each is answered 413 by the function after every chunk was decoded.
    @Test func decodesAMegabyteOfOneByteChunksInLinearTime() throws {
        let (server, runner, base) = try StartAPITests.serve(try StartAPITests.projectTemplate())
        defer { server.stop(); runner.shutdown() }
        let port = try #require(UInt16(base.split(separator: ":").last ?? ""))
        let quarterMegabyte = 256 * 1024
        let requests = [1, 4].map { factor in
            "POST /authorize/user HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                + String(repeating: "1\r\nx\r\n", count: quarterMegabyte * factor) + "0\r\n\r\n"
        }
        var statuses: Set<Int> = []
        let growth = Complexity.growth(size: 1, factor: 4) { size in
            guard let connection = try? RawConnection(port: port) else { return }
            connection.send(requests[size == 1 ? 0 : 1])
            statuses.insert(connection.readResponse()?.status ?? 0)
        }
        #expect(statuses == [413], "the function's own answer to a body over its limit")
        #expect(growth < 10, "four times the one-byte chunks took \(growth) times as long")
        let oneChunk = "POST /authorize/user HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
            + String(4 * quarterMegabyte, radix: 16) + "\r\n" + String(repeating: "x", count: 4 * quarterMegabyte) + "\r\n0\r\n\r\n"
        let versusOneChunk = Complexity.growth(size: 1, factor: 2, tries: 5) { size in
            guard let connection = try? RawConnection(port: port) else { return }
            connection.send(size == 1 ? oneChunk : requests[1])
            _ = connection.readResponse()
        }
        #expect(versusOneChunk < 5, "a megabyte in one-byte chunks took \(versusOneChunk) times the same megabyte in one chunk")
    }
}
