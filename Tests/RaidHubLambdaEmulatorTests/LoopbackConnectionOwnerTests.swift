import Foundation
@testable import RaidHubLambdaEmulator
import RaidHubTestSupport
import Testing

/// Who holds a loopback connection's client end, read from /proc as the Runtime API reads it.
@Suite struct LoopbackConnectionOwnerTests {
    /// A connection this process made is within its own tree and outside a child's (a process
    /// that does not hold it); a port nothing uses is outside any tree.
    @Test func findsTheProcessHoldingAConnection() throws {
        let listener = try TestListener()
        let client = try RawConnection(port: listener.port)
        let clientPort = try #require(TestListener.localPort(of: client.descriptor))
        let loopback: [UInt8] = [127, 0, 0, 1]
        let (me, server) = (LoopbackConnectionOwner.Endpoint(address: loopback, port: clientPort), LoopbackConnectionOwner.Endpoint(address: loopback, port: listener.port))
        #expect(LoopbackConnectionOwner.find(client: me, server: server, tree: getpid()) == .withinTree)
        let sleeper = Process()
        sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
        sleeper.arguments = ["30"]
        try sleeper.run()
        defer { sleeper.terminate() }
        #expect(LoopbackConnectionOwner.find(client: me, server: server, tree: sleeper.processIdentifier) == .outsideTree)
        #expect(LoopbackConnectionOwner.find(client: .init(address: loopback, port: 1), server: server, tree: getpid()) == .outsideTree)
        #expect(LoopbackConnectionOwner.find(client: .init(address: [127, 0, 0, 2], port: clientPort), server: server, tree: getpid()) == .outsideTree,
                "the same port from another loopback address is another socket")
    }

    /// The tree holds a child's children: a shell that starts the runtime, lldb-server's inferior.
    @Test func aProcessTreeHoldsGrandchildren() throws {
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", "sleep 30 & sleep 30; wait"]
        try shell.run()
        defer { LoopbackConnectionOwner.processTree(shell.processIdentifier).reversed().forEach { kill($0, SIGKILL) } }
        #expect(Eventually.holds { LoopbackConnectionOwner.processTree(shell.processIdentifier).count == 3 })
        #expect(LoopbackConnectionOwner.processTree(getpid()).contains(shell.processIdentifier))
    }

    /// /proc/net/tcp's and tcp6's rows as the kernel writes them: both ends must match, address
    /// and port (a thief bound to 127.0.0.2 with the runtime's port once passed for it); a
    /// TIME_WAIT row of an earlier connection on the same ports (inode 0) is no one's.
    @Test func readsTheInodesOfTheRowsForBothEnds() {
        let table = Array("""
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:0BB8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1111 1 0000000000000000 100 0 0 10 0
               1: 0100007F:D2A4 0100007F:0BB8 01 00000000:00000000 00:00000000 00000000     0        0 2222 1 0000000000000000 20 4 30 10 -1
               2: 0100007F:0BB8 0100007F:D2A4 01 00000000:00000000 00:00000000 00000000     0        0 3333 1 0000000000000000 20 4 30 10 -1
               3: 0200007F:D2A4 0100007F:0BB8 01 00000000:00000000 00:00000000 00000000     0        0 4444 1 0000000000000000 20 4 30 10 -1
               4: 0100007F:D2A4 0100007F:0BB8 06 00000000:00000000 03:00000F9E 00000000     0        0 0 3 0000000000000000

            """.utf8)
        let loopback: [UInt8] = [127, 0, 0, 1]
        let server = LoopbackConnectionOwner.Endpoint(address: loopback, port: 0x0BB8)
        #expect(LoopbackConnectionOwner.inodes(in: table, client: .init(address: loopback, port: 0xD2A4), server: server) == [2222])
        #expect(LoopbackConnectionOwner.inodes(in: table, client: .init(address: [127, 0, 0, 2], port: 0xD2A4), server: server) == [4444])
        #expect(LoopbackConnectionOwner.inodes(in: table, client: .init(address: loopback, port: 0xD2A5), server: server).isEmpty)
        let table6 = Array("""
              sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0000000000000000FFFF00000100007F:D2A4 0000000000000000FFFF00000100007F:0BB8 01 00000000:00000000 00:00000000 00000000     0        0 5555 1 0000000000000000 20 4 30 10 -1

            """.utf8)
        let mapped = LoopbackConnectionOwner.Endpoint(address: loopback, port: 0xD2A4).mapped!
        #expect(LoopbackConnectionOwner.inodes(in: table6, client: mapped, server: server.mapped!) == [5555], "a runtime on an IPv6 socket")
    }
}

/// A listening loopback socket for a test to connect to.
final class TestListener {
    let descriptor: Int32
    let port: UInt16

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, listen(descriptor, 16) == 0, let port = Self.localPort(of: descriptor) else {
            close(descriptor)
            throw POSIXError(.EADDRINUSE)
        }
        self.descriptor = descriptor
        self.port = port
    }

    deinit { close(descriptor) }

    /// The local port of a socket.
    static func localPort(of descriptor: Int32) -> UInt16? {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let status = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        return status == 0 ? UInt16(bigEndian: address.sin_port) : nil
    }
}
