import Foundation
import RaidHubHTTP
import RaidHubHTTPServer
import RaidHubTestSupport
import Testing

/// The event loop's limits and HTTP/1.1 as nginx answers it, over raw sockets on loopback.
@Suite struct HTTPServerLimitsTests {
    static func serve(_ change: (inout HTTPServer.Limits) -> Void = { _ in }, handler: @escaping HTTPServer.Handler = { request in
        HTTPResponse(status: 200, body: Array("\(request.method) \(request.target) \(request.body.count)".utf8))
    }) throws -> (HTTPServer, UInt16) {
        var limits = HTTPServer.Limits()
        change(&limits)
        let server = HTTPServer(port: 0, limits: limits, handler: handler)
        return (server, try server.start())
    }

    /// The server's own open connections on `port`, from /proc/net/tcp: established or closed
    /// by the client but not yet by the server (CLOSE_WAIT, a leaked descriptor).
    static func serverSideConnections(port: UInt16) -> Int {
        // Read to its end with read(2): procfs gives no size, and a large table (hundreds of
        // sockets of the suites running beside) must not read as empty.
        let descriptor = open("/proc/net/tcp", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return -1 }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            bytes += buffer[0..<count]
        }
        let table = String(decoding: bytes, as: UTF8.self)
        let local = String(format: ":%04X", port)
        return table.split(separator: "\n").dropFirst().count { line in
            let fields = line.split(separator: " ")
            return fields.count > 3 && fields[1].hasSuffix(local) && (fields[3] == "01" || fields[3] == "08")
        }
    }

    static func elapsed(_ body: () -> Void) -> Duration {
        let start = ContinuousClock.now
        body()
        return .now - start
    }

    @Test func closesConnectionsOverTheCapAtOnceAndKeepsServing() throws {
        let (server, port) = try Self.serve { $0.maximumConnections = 4 }
        defer { server.stop() }
        var held = try (0..<4).map { _ in try RawConnection(port: port) }
        for connection in held {  // each is accepted and served
            connection.send("GET /held HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(connection.readResponse()?.status == 200)
        }
        let excess = try RawConnection(port: port)
        #expect(excess.isClosedByServer())
        held.removeLast()  // closes one: room for a new client
        #expect(Eventually.holds { Self.serverSideConnections(port: port) == 3 }, "the server let the closed one go")
        let next = try RawConnection(port: port)
        next.send("GET /next HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(next.readResponse()?.body == "GET /next 0")
        held.removeAll()
        _ = consume next
        _ = consume excess
        #expect(Eventually.holds { Self.serverSideConnections(port: port) == 0 }, "the server kept connections its clients closed")
    }

    /// The head deadline is overall: a byte every 50 ms does not keep a client in. The 408
    /// arrives while the client still sends, long before it would stop (a deadline reset by
    /// each byte would wait for the end of its bytes).
    @Test func cutsOffASlowHeadAndASlowBodyAtTheirDeadlines() throws {
        let (server, port) = try Self.serve {
            $0.headTimeout = .milliseconds(300)
            $0.bodyTimeout = .milliseconds(300)
        }
        defer { server.stop() }
        for (first, trickle) in [("GET / HTTP/1.1\r\nHo", "X"), ("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n", "b")] {
            let slow = try RawConnection(port: port)
            slow.send(first)
            var sent = 0
            while sent < 2_000, !slow.isReadable(within: 50) {
                slow.send(trickle)
                sent += 1
            }
            #expect(sent < 2_000, "cut off while still sending")
            #expect(slow.readResponse()?.status == 408)
            #expect(slow.isClosedByServer())
        }
    }

    @Test func closesAClientThatNeverReadsItsAnswer() throws {
        let body = [UInt8](repeating: 0x61, count: 32 * 1024 * 1024)
        let (server, port) = try Self.serve({ $0.sendTimeout = .milliseconds(300) }, handler: { request in
            HTTPResponse(status: 200, body: request.path == "/big" ? body : Array("small".utf8))
        })
        defer { server.stop() }
        let reader = try RawConnection(port: port)
        reader.send("GET /big HTTP/1.1\r\nHost: t\r\n\r\n")
        // Not reading: the server's send times out, and it closes its side.
        #expect(Eventually.holds { Self.serverSideConnections(port: port) == 0 }, "the server still holds the unread answer")
        let received = reader.readAll()
        #expect(received.count < body.count, "the server gave up on the unread answer and closed")
        // Still serving others.
        let other = try RawConnection(port: port)
        other.send("GET /small HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(other.readResponse()?.body == "small")
    }

    /// A client that pipelines small requests without end and never reads: each answer fits the
    /// socket's buffers until they fill, then the send timeout cuts it off (one such client was
    /// reported still connected past the timeout).
    @Test func closesAPipeliningClientThatNeverReads() throws {
        let (server, port) = try Self.serve({ $0.sendTimeout = .milliseconds(300) }, handler: { _ in HTTPResponse(status: 200, body: Array("small".utf8)) })
        defer { server.stop() }
        let client = try RawConnection(port: port)
        let requests = Array(String(repeating: "GET / HTTP/1.1\r\nHost: t\r\n\r\n", count: 1_000).utf8)
        let descriptor = client.descriptor
        var small: Int32 = 4096  // a small window: the buffers fill after fewer answers
        setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
        let sending = Thread {
            // Until the server closes: a send then fails (or blocks until the close resets it).
            while requests.withUnsafeBytes({ send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) > 0 {}
        }
        sending.start()
        #expect(Eventually.holds { Self.serverSideConnections(port: port) == 0 }, "the server still holds the client")
        let other = try RawConnection(port: port)
        other.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(other.readResponse()?.body == "small", "still serving others")
        // The sender may still be blocked in send (the server's close need not reset a full
        // window at once): shutting the socket down wakes it, and it ends.
        _ = shutdown(descriptor, Int32(SHUT_RDWR))
        #expect(Eventually.holds { sending.isFinished })
    }

    @Test func closesAnIdleKeptAliveConnection() throws {
        let (server, port) = try Self.serve { $0.keepAliveTimeout = .milliseconds(300) }
        defer { server.stop() }
        let connection = try RawConnection(port: port)
        connection.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(connection.readResponse()?.status == 200)
        // Closed by the 300 ms timeout: the default (75 s) would outlast the read's patience.
        #expect(connection.isClosedByServer())
    }

    /// HEAD gets the GET head (Content-Length included) and no body, and the connection stays
    /// usable: a body there would be read as the next answer.
    @Test func answersHeadWithoutABody() throws {
        let (server, port) = try Self.serve()
        defer { server.stop() }
        let connection = try RawConnection(port: port)
        connection.send("HEAD /x HTTP/1.1\r\nHost: t\r\n\r\nGET /y HTTP/1.1\r\nHost: t\r\n\r\n")
        connection.setReadTimeout(milliseconds: 1000)
        let text = String(decoding: connection.readAll(), as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nHTTP/1.1 200 OK\r\n"), "\(text)")
        #expect(text.hasSuffix("\r\n\r\nGET /y 0"))
    }

    @Test func sends100ContinueBeforeTheBody() throws {
        let (server, port) = try Self.serve()
        defer { server.stop() }
        let connection = try RawConnection(port: port)
        connection.send("POST /upload HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
        var interim = [UInt8](repeating: 0, count: 25)
        let count = recv(connection.descriptor, &interim, interim.count, 0)
        #expect(String(decoding: interim[0..<max(0, count)], as: UTF8.self) == "HTTP/1.1 100 Continue\r\n\r\n")
        connection.send("hello")
        #expect(connection.readResponse()?.body == "POST /upload 5")
    }

    @Test(arguments: [
        ("GET / HTTP/1.1\nHost: t\n\n", "bare LF"),
        ("GET / HTTP/1.1\r\nHost: t\nX: y\r\n\r\n", "bare LF"),
        ("GET / HTTP/1.1\r\n\r\n", "missing Host"),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "repeated Host"),
        ("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "Transfer-Encoding in HTTP/1.0"),
    ])
    func answers400AtOnce(request: String, reason: String) throws {
        // At once: with a head deadline of ten minutes, an answer that waited for it would not
        // come within the read's patience.
        let (server, port) = try Self.serve { $0.headTimeout = .seconds(600) }
        defer { server.stop() }
        let connection = try RawConnection(port: port)
        connection.send(request)
        let answer = connection.readResponse()
        #expect(answer?.status == 400)
        #expect(answer?.body.contains(reason) == true, "\(answer?.body ?? "")")
        #expect(answer?.headers["connection"] == "close")
        #expect(connection.isClosedByServer())
    }

    @Test func closesAfterHTTP10UnlessKeepAliveWasAskedFor() throws {
        let (server, port) = try Self.serve()
        defer { server.stop() }
        let plain = try RawConnection(port: port)
        plain.send("GET /a HTTP/1.0\r\n\r\n")
        #expect(plain.readResponse()?.headers["connection"] == "close")
        #expect(plain.isClosedByServer())
        let kept = try RawConnection(port: port)
        kept.send("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        #expect(kept.readResponse()?.body == "GET /a 0")
        kept.send("GET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        #expect(kept.readResponse()?.body == "GET /b 0")
    }

    @Test func ignoresOneLeadingEmptyLine() throws {
        let (server, port) = try Self.serve()
        defer { server.stop() }
        let connection = try RawConnection(port: port)
        connection.send("\r\nGET /after-blank HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(connection.readResponse()?.body == "GET /after-blank 0")
    }

    /// A client that sends only empty lines is cut off: they count against the head's limit
    /// and its deadline (they used to keep it neither idle nor complete, its bytes held until
    /// the keep-alive sweep; one such client took a runner from 22 MB to a gigabyte).
    @Test func cutsOffAClientSendingOnlyEmptyLines() throws {
        let (server, port) = try Self.serve { $0.headTimeout = .milliseconds(300) }
        defer { server.stop() }
        // Fast, past the 16 KiB limit; slow, past the deadline.
        for (burst, pause, expected): (Int, Int32, Int) in [(1024, 0, 431), (1, 20, 408)] {
            let flood = try RawConnection(port: port)
            var sent = 0
            while sent < 100_000, !flood.isReadable(within: pause) {
                flood.send(String(repeating: "\r\n", count: burst))
                sent += 1
            }
            #expect(sent < 100_000, "cut off while still sending")
            #expect(flood.readResponse()?.status == expected)
            #expect(flood.isClosedByServer())
        }
        let fine = try RawConnection(port: port)
        fine.send("\r\n\r\nGET /after HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(fine.readResponse()?.body == "GET /after 0", "a few empty lines before a request are still ignored")
    }

    /// Many idle connections cost the loop nothing per request: 20 requests beside 500 idle
    /// connections take about as long as without them, in the same run (the benchmark holds
    /// 2,000). A cost per idle connection and request would multiply it.
    @Test func servesPromptlyBesideHundredsOfIdleConnections() throws {
        let (server, port) = try Self.serve()
        defer { server.stop() }
        let connection = try RawConnection(port: port)
        func twentyRequests() -> Duration {
            (0..<5).map { _ in
                Self.elapsed {
                    for index in 0..<20 {
                        connection.send("GET /\(index) HTTP/1.1\r\nHost: t\r\n\r\n")
                        #expect(connection.readResponse()?.body == "GET /\(index) 0")
                    }
                }
            }.min()!
        }
        let alone = twentyRequests()
        let idle = try (0..<500).map { _ in try RawConnection(port: port) }
        let beside = twentyRequests()
        #expect(beside < alone * 5, "20 requests: \(alone) alone, \(beside) beside 500 idle connections")
        #expect(idle.count == 500)
    }

    /// stop(): no new connections; an answer under way is still delivered, then it closes.
    /// A deferred handler's `onClientGone` action is let go once the answer is written, even
    /// when it holds its own responder (the Runtime API's did): a warm runner kept one per
    /// invocation before, 185 bytes a request, 2 MB a second under load.
    @Test func letsGoOfAClientGoneActionOnceTheAnswerIsWritten() throws {
        final class Probe: Sendable {}
        final class Watch: @unchecked Sendable { weak var probe: Probe? }
        let watch = Watch()
        let server = HTTPServer(port: 0) { request, responder in
            let probe = Probe()
            watch.probe = probe
            responder.onClientGone { _ = probe; _ = responder }  // holds the responder: a cycle until let go
            responder.respond(HTTPResponse(status: 200))
        }
        let port = try server.start()
        defer { server.stop() }
        let client = try RawConnection(port: port)
        client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(client.readResponse()?.status == 200)
        #expect(Eventually.holds { watch.probe == nil }, "an answered request's action (and its responder) still held")
    }

    @Test func stopLetsARequestInFlightFinish() throws {
        let started = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let (server, port) = try Self.serve(handler: { _ in
            started.signal()
            release.wait()
            return HTTPResponse(status: 200, body: Array("late".utf8))
        })
        let busy = try RawConnection(port: port)
        busy.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
        let idle = try RawConnection(port: port)
        started.wait()  // the request is in flight
        #expect(Eventually.holds { Self.serverSideConnections(port: port) == 2 }, "both connections accepted")
        server.stop(grace: .seconds(600))
        #expect(idle.isClosedByServer())  // the server is stopping
        release.signal()
        let answer = busy.readResponse()
        #expect(answer?.body == "late")
        #expect(answer?.headers["connection"] == "close")
        server.waitUntilStopped()
        #expect(throws: (any Error).self) { try RawConnection(port: port) }
    }
}
