import Foundation
import RaidHubRunnerTestSupport
import RaidHubTestSupport
import Testing

/// `--watch` on a small package of its own: an edited source is rebuilt and served without a
/// restart; a broken one is refused by the build and the last good build goes on serving.
@Suite(.serialized) struct WatchModeTests {
    /// A package with one function, `hello`, a Runtime API client on Glibc alone (so it builds
    /// in seconds) answering `{"statusCode":200,"body":VERSION}`.
    static func package(version: String) -> String {
        """
        import Glibc

        let version = "\(version)"

        /// One request over its own connection (Connection: close); the whole answer.
        func exchange(_ request: String) -> String {
            let address = String(cString: getenv("AWS_LAMBDA_RUNTIME_API")).split(separator: ":")
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var peer = sockaddr_in()
            peer.sin_family = sa_family_t(AF_INET)
            peer.sin_port = UInt16(address[1])!.bigEndian
            inet_pton(AF_INET, String(address[0]), &peer.sin_addr)
            _ = withUnsafePointer(to: &peer) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            let bytes = Array(request.utf8)
            _ = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
            var answer: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = recv(descriptor, &buffer, buffer.count, 0)
                if count <= 0 { break }
                answer += buffer[0..<count]
            }
            close(descriptor)
            return String(decoding: answer, as: UTF8.self)
        }

        while true {
            let next = exchange("GET /2018-06-01/runtime/invocation/next HTTP/1.1\\r\\nHost: runtime\\r\\nConnection: close\\r\\n\\r\\n")
            let header = next.split(separator: "\\r\\n").first { $0.lowercased().hasPrefix("lambda-runtime-aws-request-id:") } ?? ""
            let requestId = header.split(separator: ":")[1].trimmingPrefix(" ")
            let body = "{\\"statusCode\\":200,\\"body\\":\\"\\(version)\\"}"
            _ = exchange("POST /2018-06-01/runtime/invocation/\\(requestId)/response HTTP/1.1\\r\\nHost: runtime\\r\\nConnection: close\\r\\nContent-Length: \\(body.utf8.count)\\r\\n\\r\\n\\(body)")
        }
        """
    }

    @Test(.timeLimit(.minutes(5)))
    func rebuildsAnEditedSourceAndServesItWithoutARestart() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("watch-\(UUID().uuidString)")
        let sources = root.appendingPathComponent("Sources/hello")
        try FileManager.default.createDirectory(at: sources, withIntermediateDirectories: true)
        try Data("""
            // swift-tools-version:5.9
            import PackageDescription
            let package = Package(name: "watched", targets: [.executableTarget(name: "hello", path: "Sources/hello")])
            """.utf8).write(to: root.appendingPathComponent("Package.swift"))
        let main = sources.appendingPathComponent("main.swift")
        try Data(Self.package(version: "one").utf8).write(to: main)
        try Data("""
            Resources:
              Hello:
                Type: AWS::Serverless::Function
                Properties: {Events: {E: {Type: HttpApi, Properties: {Path: /hello, Method: GET}}}}
                Metadata: {DockerBuildTarget: hello}
            """.utf8).write(to: root.appendingPathComponent("template.yaml"))
        // The runner looks for executables beside itself: put a copy where the package builds.
        let build = Process()
        build.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        build.arguments = ["swift", "build", "--product", "hello"]
        build.currentDirectoryURL = root
        build.standardOutput = FileHandle.nullDevice
        try build.run()
        build.waitUntilExit()
        #expect(build.terminationStatus == 0)
        let binaries = root.appendingPathComponent(".build/debug").resolvingSymlinksInPath()
        try FileManager.default.copyItem(at: FunctionExecutable.directory.appendingPathComponent("local-runner"), to: binaries.appendingPathComponent("local-runner"))
        try FileManager.default.createSymbolicLink(at: root.appendingPathComponent("local-runner"), withDestinationURL: binaries.appendingPathComponent("local-runner"))
        let stderr = FileManager.default.temporaryDirectory.appendingPathComponent("watch-\(UUID().uuidString).log")
        #expect(FileManager.default.createFile(atPath: stderr.path, contents: nil))
        let log = try FileHandle(forWritingTo: stderr)
        let (runner, port) = try RunnerProcess.start(in: root, stderr: log, arguments: ["start-api", "-p", "PORT", "--watch"])
        defer { if runner.isRunning { runner.terminate() } }
        func hello() -> String? {
            guard let client = try? RawConnection(port: port) else { return nil }
            client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            return client.readResponse()?.body
        }
        #expect(hello() == "one")
        try Data(Self.package(version: "two").utf8).write(to: main)
        var answer = hello()
        for _ in 0..<240 where answer != "two" {
            Thread.sleep(forTimeInterval: 0.5)
            answer = hello()
        }
        #expect(answer == "two", "rebuilt and served without a restart")
        #expect(((try? String(contentsOf: stderr, encoding: .utf8)) ?? "").contains("local-runner: main.swift changed; building hello"))
        try Data("this is not Swift".utf8).write(to: main)
        var said = ""
        for _ in 0..<240 where !said.contains("failed; still serving the last good build") {
            Thread.sleep(forTimeInterval: 0.5)
            said = (try? String(contentsOf: stderr, encoding: .utf8)) ?? ""
        }
        #expect(said.contains("local-runner: the build of hello failed; still serving the last good build"))
        #expect(hello() == "two")
        #expect(runner.isRunning)
        kill(runner.processIdentifier, SIGINT)
        #expect(RunnerProcess.waitForExit(runner, seconds: 60))
    }
}
