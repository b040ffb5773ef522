import Foundation
import RaidHubHTTP
import RaidHubLambda
import RaidHubLambdaTesting
import RaidHubLambdaURLSession

/// A warm Lambda instance over many invocations (issue #10): what the Runtime API loop costs
/// outside the handler, and whether a real function's memory stays flat.
enum WarmInstanceBenchmarks {
    /// `runtime-overhead [COUNT]`: the real `RuntimeLoop` and Runtime API client, in this process,
    /// with a handler that returns a fixed answer, against a Runtime API on loopback. Prints the
    /// loop thread's CPU time per invocation (next, parse, log, respond: what Lambda bills besides
    /// the handler) and the wall time per round trip, for our socket client and for URLSession.
    static func runtimeOverhead(invocations: Int) {
        print("== Runtime API loop outside the handler, \(invocations) invocations, one connection (best of 3)")
        let clients: [(String, @Sendable (String) -> any RuntimeAPIClient)] = [
            ("SocketRuntimeAPIClient (ours)", { SocketRuntimeAPIClient(hostAndPort: $0) }),
            ("URLSessionRuntimeAPIClient (reference)", { URLSessionRuntimeAPIClient(hostAndPort: $0) }),
        ]
        func report(_ name: String, _ runs: [LoopCost]) -> LoopCost {
            let best = runs.min { $0.cpu < $1.cpu }!
            print(name.padding(toLength: 44, withPad: " ", startingAt: 0)
                  + String(format: "CPU %6.2f us/invocation (user %6.2f, system %6.2f)   wall %7.2f us", best.cpu, best.user, best.system, best.wall))
            return best
        }
        let floor = report("floor: the same exchanges, no parsing", (0..<3).map { _ in floorCost(invocations: invocations) })
        for (name, makeClient) in clients {
            let runs = (0..<3).map { _ in loopCost(invocations: name.hasPrefix("URL") ? invocations / 10 : invocations, makeClient: makeClient) }
            let best = report(name, runs)
            print(String(format: "  above the floor: %.2f us/invocation of CPU (%.2fx the floor)", best.cpu - floor.cpu, best.cpu / floor.cpu))
        }
        let parse = Measurement.best("parse one /next response", iterations: 100_000) {
            var parser = HTTPResponseParser()
            parser.append(sampleNextResponse)
            consume(try? parser.next()?.header(RuntimeAPI.Header.traceId))
        }
        print(parse.report)
    }

    /// `warm-instance EXECUTABLE [COUNT]`: runs the function executable under a Runtime API that
    /// hands it the authorize-user sample event COUNT times (a new request id and trace id each
    /// time) and prints its resident set size after 10,000 invocations and after the last.
    static func warmInstance(executable: String, invocations: Int, event: [UInt8]) throws {
        final class Samples: @unchecked Sendable {
            let lock = NSLock()
            var pid: Int32 = 0
            var rss: [Int: Int] = [:]
        }
        let samples = Samples()
        let marks = Set([1_000, 10_000, 100_000, invocations])
        let driver = RuntimeAPIDriver(event: event, invocations: invocations) { count in
            guard marks.contains(count) else { return }
            let pid = samples.lock.withLock { samples.pid }
            if let rss = RuntimeAPIDriver.residentBytes(of: pid) { samples.lock.withLock { samples.rss[count] = rss } }
        }
        let address = try driver.start()
        defer { driver.stop() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.environment = ProcessInfo.processInfo.environment.merging(["AWS_LAMBDA_RUNTIME_API": address, "AWS_LAMBDA_LOG_LEVEL": "INFO"]) { $1 }
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        let started = Date()
        try process.run()
        samples.lock.withLock { samples.pid = process.processIdentifier }
        process.waitUntilExit()
        let seconds = Date().timeIntervalSince(started)
        let rss = samples.lock.withLock { samples.rss }
        print("== warm instance: \(executable), \(driver.responses) invocations in \(String(format: "%.1f", seconds)) s (\(Int(Double(driver.responses) / seconds)) per second)")
        for mark in marks.sorted() where rss[mark] != nil {
            print(String(format: "RSS after %9d invocations: %8.2f MiB", mark, Double(rss[mark]!) / 1_048_576))
        }
        if let early = rss[10_000], let late = rss[invocations] {
            print(String(format: "growth from 10,000 to %d: %+.3f MiB (%.1f bytes per invocation)",
                         invocations, Double(late - early) / 1_048_576, Double(late - early) / Double(invocations - 10_000)))
        }
        if !driver.unexpectedRequests.isEmpty { print("unexpected requests: \(driver.unexpectedRequests.prefix(5))") }
    }

    private struct NoOpHandler: LambdaHandler {
        let payload = [UInt8](repeating: UInt8(ascii: "x"), count: 600)
        func handle(_ event: [UInt8], context: InvocationContext) throws(FunctionError) -> InvocationOutput {
            InvocationOutput(payload: payload, outcome: .http(status: 200, errorCode: nil))
        }
    }

    /// The floor any Runtime API client pays: the same two exchanges per invocation over one
    /// connection (`GET /next`, then `POST .../response` with a 600-byte body), written as fixed
    /// bytes and read only as far as `Content-Length` needs: no header parsing, no log line.
    private static func floorCost(invocations: Int) -> LoopCost {
        let driver = RuntimeAPIDriver(event: Array(InvocationBenchmarks.sampleEvent.utf8), invocations: invocations)
        let address = try! driver.start()
        defer { driver.stop() }
        let port = UInt16(address.split(separator: ":")[1])!
        let result = LockedResult()
        Thread {
            let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var server = sockaddr_in()
            server.sin_family = sa_family_t(AF_INET)
            server.sin_port = port.bigEndian
            server.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
            _ = withUnsafePointer(to: &server) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            var noDelay: Int32 = 1
            setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
            let next = Array("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: \(address)\r\n\r\n".utf8)
            let body = [UInt8](repeating: UInt8(ascii: "x"), count: 600)
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            let wallStart = ContinuousClock.now
            let cpuStart = threadCPUSeconds()
            for number in 1...invocations {
                let path = "/2018-06-01/runtime/invocation/00000000-0000-4000-8000-" + String(repeating: "0", count: 12 - String(number, radix: 16).count) + String(number, radix: 16) + "/response"
                let post = Array("POST \(path) HTTP/1.1\r\nHost: \(address)\r\nContent-Length: 600\r\n\r\n".utf8) + body
                for request in [next, post] {
                    _ = request.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    var received = 0
                    while true {
                        let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress! + received, $0.count - received, 0) }
                        guard count > 0 else { break }
                        received += count
                        if Self.isComplete(buffer[0..<received]) { break }
                    }
                }
            }
            let cpuEnd = threadCPUSeconds()
            let wall = ContinuousClock.now - wallStart
            close(socket)
            let perInvocation = 1e6 / Double(invocations)
            let wallSeconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
            result.set(LoopCost(user: (cpuEnd.user - cpuStart.user) * perInvocation, system: (cpuEnd.system - cpuStart.system) * perInvocation,
                                wall: wallSeconds * perInvocation))
        }.start()
        return result.wait()
    }

    /// Whether `bytes` hold a whole response: the head and `Content-Length` bytes after it
    /// (`Content-Length` being the head's last field, as `HTTPResponseWriter` writes it).
    private static func isComplete(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.withUnsafeBufferPointer { bytes in
            var index = 3
            while index < bytes.count, !(bytes[index] == 0x0A && bytes[index - 1] == 0x0D && bytes[index - 2] == 0x0A && bytes[index - 3] == 0x0D) {
                index += 1
            }
            guard index < bytes.count else { return false }
            var digitsEnd = index - 3, digitsStart = digitsEnd
            while digitsStart > 0, bytes[digitsStart - 1] &- 0x30 < 10 { digitsStart -= 1 }
            let length = bytes[digitsStart..<digitsEnd].reduce(0) { $0 * 10 + Int($1 - 0x30) }
            digitsEnd = index + 1
            return bytes.count - digitsEnd >= length
        }
    }

    /// Microseconds per invocation: the loop thread's user and system CPU time, and wall time.
    private struct LoopCost {
        let user: Double
        let system: Double
        let wall: Double
        var cpu: Double { user + system }
    }

    private static func loopCost(invocations: Int, makeClient: @escaping @Sendable (String) -> any RuntimeAPIClient) -> LoopCost {
        let driver = RuntimeAPIDriver(event: Array(InvocationBenchmarks.sampleEvent.utf8), invocations: invocations)
        let address = try! driver.start()
        defer { driver.stop() }
        let devNull = open("/dev/null", O_WRONLY)
        defer { close(devNull) }
        let log = InvocationLog.writing(to: devNull, functionName: "bench", settings: LogSettings())
        let loop = RuntimeLoop(client: makeClient(address), handler: NoOpHandler(), log: log)
        let result = LockedResult()
        let thread = Thread {
            let wallStart = ContinuousClock.now
            let cpuStart = threadCPUSeconds()
            _ = loop.run()
            let cpuEnd = threadCPUSeconds()
            let cpu = (user: cpuEnd.user - cpuStart.user, system: cpuEnd.system - cpuStart.system)
            let wall = ContinuousClock.now - wallStart
            let wallSeconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
            let perInvocation = 1e6 / Double(invocations)
            result.set(LoopCost(user: cpu.user * perInvocation, system: cpu.system * perInvocation, wall: wallSeconds * perInvocation))
        }
        thread.start()
        return result.wait()
    }

    private final class LockedResult: @unchecked Sendable {
        private let condition = NSCondition()
        private var value: LoopCost?
        func set(_ value: LoopCost) { condition.withLock { self.value = value; condition.signal() } }
        func wait() -> LoopCost {
            condition.withLock {
                while value == nil { condition.wait() }
                return value!
            }
        }
    }

    /// User and system CPU seconds of the calling thread.
    private static func threadCPUSeconds() -> (user: Double, system: Double) {
        var usage = rusage()
        getrusage(__rusage_who_t(1), &usage)  // RUSAGE_THREAD
        return (Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6,
                Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6)
    }

    /// A `GET /next` answer as Lambda writes it, with a 1.8 KB event.
    private static let sampleNextResponse: [UInt8] = Array("""
        HTTP/1.1 200 OK\r
        Content-Type: application/json\r
        Lambda-Runtime-Aws-Request-Id: 8476a536-e9f4-11e8-9739-2dfe598c3fcd\r
        Lambda-Runtime-Deadline-Ms: 1542409706888\r
        Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:us-east-2:123456789012:function:authorize-user\r
        Lambda-Runtime-Trace-Id: Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1\r
        Date: Wed, 25 Nov 2026 09:00:00 GMT\r
        Content-Length: \(InvocationBenchmarks.sampleEvent.utf8.count)\r
        \r

        """.utf8) + Array(InvocationBenchmarks.sampleEvent.utf8)
}
