import Foundation

/// Which process holds the client end of a loopback TCP connection, read from /proc: how an
/// instance's Runtime API tells its own runtime from any other local process, since TCP has no
/// `SO_PEERCRED`. The connection's row in /proc/net/tcp gives its socket's inode; the socket is
/// the runtime's if a descriptor of the instance's process, or of one of its descendants (a
/// shell that starts the runtime, lldb-server's inferior), links to `socket:[inode]`.
enum LoopbackConnectionOwner {
    /// What /proc says about a connection's client end.
    enum Finding: Equatable {
        /// Held by the process tree.
        case withinTree
        /// Held by no process of the tree (or the connection is already gone).
        case outsideTree
        /// /proc cannot be read here; nothing can be said.
        case unknowable
    }

    /// One end of a TCP connection: its address (4 or 16 bytes, network order) and port.
    struct Endpoint: Equatable {
        let address: [UInt8]
        let port: UInt16

        /// The same IPv4 endpoint as an IPv6 socket sees it (`::ffff:a.b.c.d`).
        var mapped: Endpoint? {
            address.count == 4 ? Endpoint(address: [UInt8](repeating: 0, count: 10) + [0xFF, 0xFF] + address, port: port) : nil
        }
    }

    /// Whether the client end of the connection from `client` to `server` is held by `root` or
    /// one of its descendants. Both ends must match a row exactly (a port alone can be shared by
    /// another socket bound to another loopback address), in /proc/net/tcp or, for a runtime on
    /// an IPv6 socket, /proc/net/tcp6; a connection two rows could be is refused.
    static func find(client: Endpoint, server: Endpoint, tree root: Int32) -> Finding {
        // /proc/net/tcp is no snapshot: read while sockets come and go, a row can be missed or
        // read twice. The same inode twice is one socket; a row not found is looked for again.
        for _ in 0..<3 {
            guard let table = readWhole("/proc/net/tcp") else { return .unknowable }
            var inodes = Set(self.inodes(in: table, client: client, server: server))
            if let mappedClient = client.mapped, let mappedServer = server.mapped, let table6 = readWhole("/proc/net/tcp6") {
                inodes.formUnion(self.inodes(in: table6, client: mappedClient, server: mappedServer))
            }
            if inodes.isEmpty { continue }
            guard inodes.count == 1, let inode = inodes.first else { return .outsideTree }
            let link = "socket:[\(inode)]"
            return processTree(root).contains { holds($0, link) } ? .withinTree : .outsideTree
        }
        return .outsideTree
    }

    /// The inodes of the sockets whose local end is `client` and remote end `server`, from the
    /// rows of /proc/net/tcp or tcp6 (`sl local rem st tx:rx tr:when retrnsmt uid timeout inode
    /// ...`, each end `ADDRESS:PORT` in hexadecimal, the address as the kernel's 32-bit words).
    static func inodes(in table: [UInt8], client: Endpoint, server: Endpoint) -> [UInt64] {
        var found: [UInt64] = []
        for line in table.split(separator: UInt8(ascii: "\n")).dropFirst() {
            let fields = line.split(separator: UInt8(ascii: " "))
            // Inode 0: a socket no process holds any more (TIME_WAIT), whose ports a new
            // connection on loopback may already reuse.
            guard fields.count > 9, endpoint(fields[1]) == client, endpoint(fields[2]) == server,
                  let inode = UInt64(String(decoding: fields[9], as: UTF8.self)), inode != 0 else { continue }
            found.append(inode)
        }
        return found
    }

    /// An `ADDRESS:PORT` field: the address as 32-bit words printed in hexadecimal (each word
    /// the bytes of the address in memory order), the port in hexadecimal.
    private static func endpoint(_ field: ArraySlice<UInt8>) -> Endpoint? {
        guard let colon = field.lastIndex(of: UInt8(ascii: ":")),
              let port = UInt16(String(decoding: field[(colon + 1)...], as: UTF8.self), radix: 16) else { return nil }
        let hex = Array(field[..<colon])
        guard hex.count == 8 || hex.count == 32 else { return nil }
        var address: [UInt8] = []
        for word in stride(from: 0, to: hex.count, by: 8) {
            guard let value = UInt32(String(decoding: hex[word..<(word + 8)], as: UTF8.self), radix: 16) else { return nil }
            address += withUnsafeBytes(of: value.littleEndian) { Array($0) }
        }
        return Endpoint(address: address, port: port)
    }

    /// `root` and every descendant, from each thread's /proc/PID/task/TID/children.
    static func processTree(_ root: Int32) -> [Int32] {
        var tree: [Int32] = []
        var pending = [root]
        while let pid = pending.popLast(), tree.count < 4096 {
            tree.append(pid)
            for thread in entries("/proc/\(pid)/task") {
                guard let children = readWhole("/proc/\(pid)/task/\(thread)/children") else { continue }
                pending += children.split(separator: UInt8(ascii: " ")).compactMap { Int32(String(decoding: $0, as: UTF8.self)) }
            }
        }
        return tree
    }

    /// Whether one of `pid`'s descriptors links to `link`.
    private static func holds(_ pid: Int32, _ link: String) -> Bool {
        let folder = "/proc/\(pid)/fd"
        var buffer = [CChar](repeating: 0, count: 64)
        return entries(folder).contains { descriptor in
            let count = readlink("\(folder)/\(descriptor)", &buffer, buffer.count)
            return count > 0 && String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self) == link
        }
    }

    /// The names in a /proc folder, without `.` and `..`; none if it cannot be read.
    private static func entries(_ path: String) -> [String] {
        guard let folder = opendir(path) else { return [] }
        defer { closedir(folder) }
        var names: [String] = []
        while let entry = readdir(folder) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != ".", name != ".." { names.append(name) }
        }
        return names
    }

    /// A /proc file read to its end with read(2): they are generated a page at a time, and
    /// Foundation's readers stop after the first.
    static func readWhole(_ path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return count == 0 ? bytes : nil }
            bytes += chunk[0..<count]
        }
    }
}
