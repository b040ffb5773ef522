import Foundation
@testable import RaidHubLambdaEmulator
import RaidHubTestSupport
import Testing

/// An instance's Runtime API as a runtime sees it, over raw sockets: one consumer, and an event
/// only for a `/next` whose client is still there.
@Suite struct EmulatedRuntimeAPITests {
    static let next = "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: t\r\n\r\n"

    static func start() throws -> (EmulatedRuntimeAPI, UInt16) {
        let api = EmulatedRuntimeAPI(functionARN: "arn:aws:lambda:us-east-1:000000000000:function:Test", timekeeper: .manual())
        let address = try api.start()
        api.serveOnly(processTree: getpid())  // the test is the runtime
        return (api, try #require(UInt16(address.split(separator: ":")[1])))
    }

    static func invocation(_ id: String) -> PendingInvocation {
        PendingInvocation(requestId: id, event: Array(#"{"id":"\#(id)"}"#.utf8), timeoutMilliseconds: 3000, traceId: "Root=1-5759e988-bd862e3fe1be46a994272793")
    }

    @Test func refusesASecondConcurrentNext() throws {
        let (api, port) = try Self.start()
        defer { api.stop() }
        let runtime = try RawConnection(port: port)
        runtime.send(Self.next)
        #expect(Eventually.holds { api.hasWaitingNext })
        let intruder = try RawConnection(port: port)
        intruder.send(Self.next)
        let refused = intruder.readResponse()
        #expect(refused?.status == 403)
        #expect(refused?.body.contains("InvalidStateTransition") == true)
        // The event still goes to the runtime that was waiting, never to the intruder.
        let invocation = Self.invocation("one")
        api.enqueue(invocation)
        let event = runtime.readResponse()
        #expect(event?.headers["lambda-runtime-aws-request-id"] == "one")
        #expect(event?.body == #"{"id":"one"}"#)
        runtime.send("POST /2018-06-01/runtime/invocation/one/response HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nok")
        #expect(runtime.readResponse()?.status == 202)
        #expect(invocation.wait(timeout: .now() + 60) == .response(Array("ok".utf8)))
    }

    /// A runtime whose `/next` timed out on its side and retried on a new connection gets the
    /// event; the abandoned connection never swallows it.
    @Test func givesTheEventToTheRetryNotToTheAbandonedNext() throws {
        let (api, port) = try Self.start()
        defer { api.stop() }
        var abandoned: RawConnection? = try RawConnection(port: port)
        abandoned?.send(Self.next)
        #expect(Eventually.holds { api.hasWaitingNext })
        abandoned = nil  // closes its socket
        #expect(Eventually.holds { !api.hasWaitingNext }, "the API noticed the client left")
        let retry = try RawConnection(port: port)
        retry.send(Self.next)
        #expect(Eventually.holds { api.hasWaitingNext })
        api.enqueue(Self.invocation("two"))
        let event = retry.readResponse()
        #expect(event?.status == 200)
        #expect(event?.headers["lambda-runtime-aws-request-id"] == "two")
        #expect(abandoned == nil)
    }

    /// An event that arrives while nobody waits is kept for the next `/next`.
    @Test func keepsAnEventForTheNextConsumerWhenTheWaitingOneLeft() throws {
        let (api, port) = try Self.start()
        defer { api.stop() }
        do {
            let gone = try RawConnection(port: port)
            gone.send(Self.next)
            #expect(Eventually.holds { api.hasWaitingNext })
        }
        #expect(Eventually.holds { !api.hasWaitingNext }, "the API noticed the client left")
        api.enqueue(Self.invocation("three"))
        let later = try RawConnection(port: port)
        later.send(Self.next)
        #expect(later.readResponse()?.headers["lambda-runtime-aws-request-id"] == "three")
    }
}

/// Lambda's answers to a runtime once init is over, and the function's own ARN.
@Suite struct RuntimeAPIAfterInitTests {
    @Test func refusesAnInitErrorAfterTheFirstNextAndTheInvocationGoesOn() throws {
        let (api, port) = try EmulatedRuntimeAPITests.start()
        defer { api.stop() }
        let runtime = try RawConnection(port: port)
        runtime.send(EmulatedRuntimeAPITests.next)
        let invocation = EmulatedRuntimeAPITests.invocation("four")
        api.enqueue(invocation)
        let event = runtime.readResponse()
        #expect(event?.headers["lambda-runtime-invoked-function-arn"] == "arn:aws:lambda:us-east-1:000000000000:function:Test")
        runtime.send("POST /2018-06-01/runtime/init/error HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\n{}")
        let refused = runtime.readResponse()
        #expect(refused?.status == 403)
        #expect(refused?.body.contains("InvalidStateTransition") == true)
        #expect(!invocation.isComplete)
        runtime.send("POST /2018-06-01/runtime/invocation/four/response HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nok")
        #expect(runtime.readResponse()?.status == 202)
        #expect(invocation.wait(timeout: .now() + 60) == .response(Array("ok".utf8)))
    }

    /// A 7 MB response ends the invocation at once with Lambda's error (the runtime gets 413);
    /// exactly Lambda's limit, 6,291,556 bytes, is accepted.
    @Test func endsAnInvocationWithAnOversizedResponseAtOnce() throws {
        let (api, port) = try EmulatedRuntimeAPITests.start()
        defer { api.stop() }
        let runtime = try RawConnection(port: port)
        for (id, size) in [("fits", 6_291_556), ("too-large", 7_000_000)] {
            runtime.send(EmulatedRuntimeAPITests.next)
            let invocation = EmulatedRuntimeAPITests.invocation(id)
            api.enqueue(invocation)
            #expect(runtime.readResponse()?.headers["lambda-runtime-aws-request-id"] == id)
            runtime.send("POST /2018-06-01/runtime/invocation/\(id)/response HTTP/1.1\r\nHost: t\r\nContent-Length: \(size)\r\n\r\n")
            if size == 6_291_556 {
                runtime.send(String(repeating: "x", count: size))
                #expect(runtime.readResponse()?.status == 202)
                #expect(invocation.wait(timeout: .now() + 60) == .response([UInt8](repeating: 0x78, count: size)))
            } else {
                #expect(runtime.readResponse()?.status == 413)
                // Ended by the refused answer itself: nothing else here would ever end it.
                let result = invocation.wait(timeout: .now() + 60)
                #expect(result == .functionError(report: EmulatedRuntimeAPI.responseTooLarge, type: "Function.ResponseSizeTooLarge"))
            }
        }
    }
}
