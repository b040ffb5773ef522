import Foundation
import RaidHubHTTP
import RaidHubHTTPServer
import RaidHubTestSupport
import Testing

@Suite struct HTTPServerTests {
    /// Echoes the method, path and body, so each answer proves which request it answers.
    static func echoServer(readTimeoutSeconds: Int = 30, maximumBodyByteCount: Int = 1024) throws -> (HTTPServer, UInt16) {
        let server = HTTPServer(port: 0, readTimeoutSeconds: readTimeoutSeconds, maximumBodyByteCount: maximumBodyByteCount) { request in
            HTTPResponse(status: 200, headers: [HTTPField(name: "Content-Type", value: "text/plain")],
                         body: Array("\(request.method) \(request.path) \(String(decoding: request.body, as: UTF8.self))".utf8))
        }
        return (server, try server.start())
    }

    @Test func servesManyRequestsOnOneKeptAliveConnection() throws {
        let (server, port) = try Self.echoServer()
        defer { server.stop() }
        let connection = try RawConnection(port: port)
        for index in 0..<20 {
            connection.send("POST /echo/\(index) HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
            let response = try #require(connection.readResponse())
            #expect(response.status == 200)
            #expect(response.body == "POST /echo/\(index) hello")
        }
        connection.send("GET /last HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        #expect(connection.readResponse()?.headers["connection"] == "close")
        #expect(connection.isClosedByServer())
    }

    /// A deferred handler that answers at once answers on the loop's own thread, which writes
    /// itself no wake-up: the loop must take the answer before it sleeps again. 100 answers in
    /// turn, then 150 pipelined (each dispatched while the last is answered: a loop that slept
    /// its 100 ms poll before each would take 15 s).
    @Test func answersGivenOnTheLoopsOwnThreadGoOutAtOnce() throws {
        let server = HTTPServer(port: 0) { request, responder in responder.respond(HTTPResponse(status: 200, body: Array(request.path.utf8))) }
        let port = try server.start()
        defer { server.stop() }
        let connection = try RawConnection(port: port)
        let started = ContinuousClock.now
        for index in 0..<100 {
            connection.send("GET /\(index) HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(connection.readResponse()?.body == "/\(index)")
        }
        connection.send((0..<150).map { "GET /p\($0) HTTP/1.1\r\nHost: t\r\n\($0 == 149 ? "Connection: close\r\n" : "")\r\n" }.joined())
        let pipelined = String(decoding: connection.readAll(), as: UTF8.self)
        let bodies = pipelined.components(separatedBy: "\r\n\r\n").dropFirst().map { String($0.prefix { $0 != "H" }) }  // each up to the next "HTTP/1.1"
        #expect(bodies == (0..<150).map { "/p\($0)" })
        #expect(ContinuousClock.now - started < .seconds(7.5))
    }

    @Test func answersMalformedRequestsWith400AndCloses() throws {
        let (server, port) = try Self.echoServer()
        defer { server.stop() }
        let connection = try RawConnection(port: port)
        connection.send("NOT HTTP AT ALL\r\n\r\n")
        let response = try #require(connection.readResponse())
        #expect(response.status == 400)
        #expect(response.headers["content-type"] == "application/json")
        #expect(response.body.hasPrefix(#"{"message":"malformed request"#))
        #expect(connection.isClosedByServer())
    }

    @Test func answersOversizedBodiesWith413() throws {
        let (server, port) = try Self.echoServer(maximumBodyByteCount: 10)
        defer { server.stop() }
        let connection = try RawConnection(port: port)
        connection.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\n")
        #expect(connection.readResponse()?.status == 413)
    }

    @Test func survivesClientsThatVanishMidRequest() throws {
        let (server, port) = try Self.echoServer()
        defer { server.stop() }
        for _ in 0..<20 {
            let vanishing = try RawConnection(port: port)
            vanishing.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nabc")
        }
        let connection = try RawConnection(port: port)
        connection.send("GET /still-here HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(connection.readResponse()?.body == "GET /still-here ")
    }

    @Test func timesOutSilentClientsWith408() throws {
        let (server, port) = try Self.echoServer(readTimeoutSeconds: 1)
        defer { server.stop() }
        let connection = try RawConnection(port: port)
        connection.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc")
        #expect(connection.readResponse()?.status == 408)
        let idle = try RawConnection(port: port)
        #expect(idle.isClosedByServer(), "an idle kept-alive connection is closed after the timeout")
    }

    @Test func servesParallelConnections() async throws {
        let (server, port) = try Self.echoServer()
        defer { server.stop() }
        try await withThrowingTaskGroup(of: Int.self) { group in
            for client in 0..<16 {
                group.addTask {
                    let connection = try RawConnection(port: port)
                    var answered = 0
                    for index in 0..<25 {
                        connection.send("POST /\(client)/\(index) HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\n\r\nx")
                        if connection.readResponse()?.body == "POST /\(client)/\(index) x" { answered += 1 }
                    }
                    return answered
                }
            }
            var total = 0
            for try await answered in group { total += answered }
            #expect(total == 16 * 25)
        }
    }

    @Test func reportsBadHostsAndTakenPorts() throws {
        #expect(throws: HTTPServerError.invalidHost("localhost:x")) { try HTTPServer(host: "localhost:x", port: 0) { _ in HTTPResponse(status: 200) }.start() }
        let (server, port) = try Self.echoServer()
        defer { server.stop() }
        #expect(throws: HTTPServerError.self) { try HTTPServer(port: port) { _ in HTTPResponse(status: 200) }.start() }
    }
}

@Suite struct HTTPServerStopTests {
    /// Servers stopped while others start must never answer for them: a stopped server's
    /// listener number, once reused, used to be accepted on by the old loop.
    @Test func aStoppedServerNeverTakesAnotherServersConnections() throws {
        for round in 0..<40 {
            let old = HTTPServer(port: 0) { _ in HTTPResponse(status: 500) }
            _ = try old.start()
            old.stop()
            let new = HTTPServer(port: 0) { _ in HTTPResponse(status: 200, body: Array("new \(round)".utf8)) }
            let port = try new.start()
            defer { new.stop() }
            let connection = try RawConnection(port: port)
            connection.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(connection.readResponse()?.body == "new \(round)")
        }
    }
}
