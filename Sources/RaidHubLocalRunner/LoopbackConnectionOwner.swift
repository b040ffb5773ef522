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

    /// Whether the client end of the loopback connection from `clientPort` to `serverPort` is
    /// held by `root` or one of its descendants.
    static func find(clientPort: UInt16, serverPort: UInt16, tree root: Int32) -> Finding {
        guard let table = readWhole("/proc/net/tcp") else { return .unknowable }
        guard let inode = inode(in: table, clientPort: clientPort, serverPort: serverPort) else { return .outsideTree }
        let link = "socket:[\(inode)]"
        return processTree(root).contains { holds($0, link) } ? .withinTree : .outsideTree
    }

    /// The inode of the socket whose local port is `clientPort` and remote port `serverPort`,
    /// from /proc/net/tcp's rows (`sl local rem st tx:rx tr:when retrnsmt uid timeout inode ...`,
    /// addresses as `HEXADDR:HEXPORT`).
    static func inode(in table: [UInt8], clientPort: UInt16, serverPort: UInt16) -> UInt64? {
        for line in table.split(separator: UInt8(ascii: "\n")).dropFirst() {
            let fields = line.split(separator: UInt8(ascii: " "))
            guard fields.count > 9, port(fields[1]) == clientPort, port(fields[2]) == serverPort else { continue }
            return UInt64(String(decoding: fields[9], as: UTF8.self))
        }
        return nil
    }

    /// The port of an `ADDR:PORT` field, both in hexadecimal.
    private static func port(_ field: ArraySlice<UInt8>) -> UInt16? {
        guard let colon = field.lastIndex(of: UInt8(ascii: ":")) else { return nil }
        return UInt16(String(decoding: field[(colon + 1)...], as: UTF8.self), radix: 16)
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
