import Foundation
import RaidHubTestSupport
import Testing

/// `local-runner` as a developer runs it, a process of its own in a folder of its own, and what
/// /proc says about the processes it starts.
package enum RunnerProcess {
    /// A folder holding a copy of local-runner, a template and six functions: `slow` answers
    /// after a second (a Python runtime), `stuck` takes its event's slot and never asks for it
    /// (`exec sleep`, so the instance is one process), `brief` answers after 50 ms, `echo` at
    /// once, `held` once a file `go` exists in the folder, and `misconfigured` is authorize-user
    /// without its secrets: it reports an init error and exits.
    package static func workspace() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("runner-process-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: FunctionExecutable.directory.appendingPathComponent("local-runner"), to: folder.appendingPathComponent("local-runner"))
        try TestRuntime.write("time.sleep(1)\nbody = b'{\"statusCode\":200,\"body\":\"slow\"}'", to: folder.appendingPathComponent("slow"))
        try TestRuntime.write("time.sleep(0.05)", to: folder.appendingPathComponent("brief"))
        try TestRuntime.write("", to: folder.appendingPathComponent("echo"))
        try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("misconfigured"),
                                                   withDestinationURL: FunctionExecutable.directory.appendingPathComponent("authorize-user"))
        try TestRuntime.shell("exec sleep 120", to: folder.appendingPathComponent("stuck"))
        try TestRuntime.write(TestRuntime.waitForFile(folder.appendingPathComponent("go")), to: folder.appendingPathComponent("held"))
        // Each function: the executable of its name, one HttpApi route, and its Timeout.
        let functions: [(name: String, method: String, timeout: Int)] = [
            ("slow", "GET", 30), ("stuck", "GET", 120), ("brief", "GET", 30), ("echo", "GET", 30), ("misconfigured", "POST", 30), ("held", "GET", 600),
        ]
        let template = "Resources:\n" + functions.map { function in
            """
              \(function.name.prefix(1).uppercased() + function.name.dropFirst()):
                Type: AWS::Serverless::Function
                Properties: {Timeout: \(function.timeout), Events: {E: {Type: HttpApi, Properties: {Path: /\(function.name), Method: \(function.method)}}}}
                Metadata: {DockerBuildArgs: {FUNCTION: \(function.name)}}

            """
        }.joined()
        try Data(template.utf8).write(to: folder.appendingPathComponent("template.yaml"))
        return folder
    }

    /// Starts `local-runner start-api` (or `arguments`, with `PORT` standing for a free port)
    /// in `folder`; waits until it listens (20 s: the machine may be busy with parallel suites).
    package static func start(in folder: URL, stderr: Any = Pipe(), arguments: [String] = ["start-api", "--port", "PORT"],
                      environment: [String: String]? = nil, host: String = "127.0.0.1", executable: String = "local-runner") throws -> (Process, UInt16) {
        let port = try freePort(host: host)
        let process = Process()
        process.executableURL = folder.appendingPathComponent(executable)
        process.arguments = arguments.map { $0.replacingOccurrences(of: "PORT", with: String(port)) }
        process.currentDirectoryURL = folder
        process.standardOutput = FileHandle.nullDevice
        process.standardError = stderr
        if let environment { process.environment = environment }
        try process.run()
        for _ in 0..<400 where process.isRunning {
            if (try? RawConnection(host: host, port: port)) != nil { return (process, port) }
            Thread.sleep(forTimeInterval: 0.05)
        }
        if process.isRunning { process.terminate() }
        throw POSIXError(.ETIMEDOUT)
    }

    /// What a runner writes to its stderr, read as it comes (a pipe nobody reads would stall it).
    package final class Said: @unchecked Sendable {
        /// The pipe to give the runner as its stderr.
        package let pipe = Pipe()
        private let lock = NSLock()
        private var text = ""

        /// Starts reading.
        package init() {
            let handle = pipe.fileHandleForReading
            Thread { [self] in
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { return }
                    lock.withLock { text += String(decoding: chunk, as: UTF8.self) }
                }
            }.start()
        }

        /// Everything said so far.
        package var all: String { lock.withLock { text } }

        /// Waits until the runner has said `words`.
        package func waitFor(_ words: String, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(Eventually.holds { all.contains(words) }, "the runner never said '\(words)': \(all)", sourceLocation: sourceLocation)
        }
    }

    /// A port nothing listens on now, chosen by the kernel. A random one collided now and then
    /// with the ephemeral ports of the suites' own client connections.
    package static func freePort(host: String) throws -> UInt16 {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICHOST
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, "0", &hints, &found) == 0, let info = found else { throw POSIXError(.EINVAL) }
        defer { freeaddrinfo(info) }
        let descriptor = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        guard bind(descriptor, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else { throw POSIXError(.EADDRINUSE) }
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        // sin_port and sin6_port sit at the same offset, just after the family.
        return withUnsafeBytes(of: &address) { UInt16(bigEndian: $0.load(fromByteOffset: 2, as: UInt16.self)) }
    }

    /// The children of `pid`, from /proc.
    package static func children(of pid: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { child in
            guard let stat = try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == pid
        }
    }

    /// Whether no process has the number `pid` any more.
    package static func isGone(_ pid: Int32) -> Bool {
        kill(pid, 0) != 0 && errno == ESRCH
    }

    /// Waits up to `seconds` for `process` to exit; whether it did.
    package static func waitForExit(_ process: Process, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        return !process.isRunning
    }

    /// `VmRSS` of `pid`, in KiB.
    package static func residentKiB(of pid: Int32) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    /// The descriptors `pid` has open, from /proc, in order.
    package static func openDescriptors(of pid: Int32) -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []).compactMap(Int32.init).sorted()
    }

    /// Whether `pid` has a signalfd open: the runner has set up its SIGINT and SIGTERM handling
    /// (libdispatch reads signals through one).
    package static func handlesSignals(_ pid: Int32) -> Bool {
        openDescriptors(of: pid).contains { descriptor in
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(descriptor)")) == "anon_inode:[signalfd]"
        }
    }

    /// The CPU time `pid` has used, user and system, in clock ticks (1/100 s).
    package static func cpuTicks(of pid: Int32) -> Int {
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        let fields = stat[(stat.lastIndex(of: ")") ?? stat.startIndex)...].split(separator: " ")
        return fields.count > 13 ? (Int(fields[12]) ?? 0) + (Int(fields[13]) ?? 0) : 0  // utime, stime
    }

    /// Sets `pid`'s soft limit on descriptors with util-linux's prlimit(1) (Glibc's module does
    /// not offer prlimit(2), a GNU extension); whether it took.
    package static func setDescriptorLimit(of pid: Int32, to soft: rlim_t) throws -> Bool {
        let tool = Process()
        tool.executableURL = URL(fileURLWithPath: "/usr/bin/prlimit")
        tool.arguments = ["--pid", String(pid), "--nofile=\(soft):"]
        try tool.run()
        tool.waitUntilExit()
        return tool.terminationStatus == 0
    }
}
