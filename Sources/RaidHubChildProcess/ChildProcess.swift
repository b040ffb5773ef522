import CLinuxEvents
import CLinuxSpawn
import CLinuxThreads
import Foundation
import RaidHubHTTPServer

/// A process the runner started itself (a function's instance, `swift build` for `--watch`):
/// `posix_spawn` with its standard streams and no other descriptor, default signal actions, a
/// process group of its own, and its exit seen through a pidfd by one watcher thread for every
/// child (where pidfds are refused, by an old kernel or a container's seccomp filter, a thread
/// of its own waits for it, as Foundation did).
///
/// Not Foundation's `Process`: it notices an exit when a socket pair's child end closes, which
/// a child spawned on another thread at that moment could inherit (the first child's exit then
/// went unseen: a zombie, and shutdown waited for it), so the runner had to start processes one
/// at a time; and it kept each `Process` alive in a cycle unless waited on in its handler. A
/// pidfd is the child's own, cannot be inherited (it is close-on-exec, and every spawn closes
/// all but three descriptors), and is never another process after a pid is reused.
package final class ChildProcess: Sendable {
    /// Its process id.
    package let processIdentifier: Int32
    fileprivate let pidfd: Int32
    /// Whether what it started is killed when it exits (its group), before it is reaped.
    private let endsGroupOnExit: Bool
    private let exit: Locked<Exit>
    /// Signalled once it has exited and been reaped; a latch (see `waitUntilExit`).
    private let reaped = DispatchSemaphore(value: 0)

    private struct Exit {
        var status: Int32?
        var onExit: (@Sendable (Int32) -> Void)?
        /// The watcher is about to reap it: from then on its number may be another's.
        var reaping = false
    }

    /// Why a process could not be started.
    package struct SpawnError: Error, CustomStringConvertible {
        /// The executable.
        let path: String
        /// `errno`'s value.
        let code: Int32
        package var description: String { "\(path): \(String(cString: strerror(code))) (errno \(code))" }
    }

    /// Starts `executable` with `arguments` (after its own path) and exactly `environment`; its
    /// standard output and error are `output` and `error`, its input /dev/null. With
    /// `endsGroupOnExit`, what it leaves running in its group is killed when it exits.
    package init(executable: String, arguments: [String] = [], environment: [String: String], output: Int32, error: Int32,
                 endsGroupOnExit: Bool = false) throws(SpawnError) {
        self.endsGroupOnExit = endsGroupOnExit
        let devNull = open("/dev/null", O_RDONLY | O_CLOEXEC)
        guard devNull >= 0 else { throw SpawnError(path: executable, code: errno) }
        defer { close(devNull) }
        var pid: pid_t = 0
        var pidfd: Int32 = -1
        var result: Int32 = 0
        // ETXTBSY: the executable is still open for writing somewhere, most often only in a
        // process another thread is starting at this moment (a child holds every descriptor
        // until it closes them for its exec): a build that just wrote it, a test that just made
        // a script. That passes within milliseconds; a writer that keeps it open still fails.
        for attempt in 0..<50 {
            if attempt > 0 { usleep(10_000) }
            result = Self.withCStrings([executable] + arguments) { argv in
                Self.withCStrings(environment.map { "\($0.key)=\($0.value)" }) { envp in
                    clinux_spawn(executable, argv, envp, devNull, output, error, &pid, &pidfd)
                }
            }
            guard result == ETXTBSY else { break }
        }
        guard result == 0 else { throw SpawnError(path: executable, code: result) }
        processIdentifier = pid
        self.pidfd = pidfd
        exit = Locked(Exit())
        ExitWatcher.shared.watch(self)
    }

    deinit {
        if pidfd >= 0 { close(pidfd) }  // only now: a signal sent after the exit must find this pidfd, not a reused number
    }

    /// Sends `signal` to the process, if it has not been reaped yet (without a pidfd, a pid
    /// already reaped is not signalled: it may be another process's now).
    package func signal(_ signal: Int32) {
        if pidfd >= 0 {
            _ = clinux_signal(pidfd, processIdentifier, signal)
        } else {
            exit.withLock { state in if state.status == nil { _ = clinux_signal(-1, processIdentifier, signal) } }
        }
    }

    /// Sends `signal` to the child's group (it leads one of its own): it and what it started,
    /// which may hold its output pipe open. Only until the watcher begins to reap it: a reaped
    /// leader's number, and with it the group's, may be another process's.
    package func signalGroup(_ signal: Int32) {
        exit.withLock { state in
            guard !state.reaping, state.status == nil else { return }
            _ = kill(-processIdentifier, signal)
        }
    }

    /// From the watcher, once the child has exited and before it is reaped (a zombie holds its
    /// number): ends what it left in its group, if asked to, and lets no signal through after.
    fileprivate func willBeReaped() {
        exit.withLock { state in
            if endsGroupOnExit { _ = kill(-processIdentifier, SIGKILL) }
            state.reaping = true
        }
    }

    /// Runs `action` once, with its exit code or the number of the signal that ended it: on the
    /// watcher's thread when it exits, or at once if it already has. Keep it short: every
    /// child's exit is seen on that one thread.
    package func onExit(_ action: @escaping @Sendable (Int32) -> Void) {
        let status = exit.withLock { state -> Int32? in
            if state.status == nil { state.onExit = action }
            return state.status
        }
        if let status { action(status) }
    }

    /// Whether it is still running (not yet seen to exit).
    package var isRunning: Bool { exit.withLock { $0.status == nil } }

    /// Blocks until it has exited and been reaped; its exit code or signal number.
    @discardableResult
    package func waitUntilExit() -> Int32 {
        reaped.wait()
        reaped.signal()  // a latch: any later wait returns at once
        return exit.withLock { $0.status ?? -1 }
    }

    /// From the watcher: it has exited and been reaped.
    fileprivate func exited(_ status: Int32) {
        let onExit = exit.withLock { state -> (@Sendable (Int32) -> Void)? in
            state.status = status
            defer { state.onExit = nil }  // the handler may hold its owner, which holds this
            return state.onExit
        }
        reaped.signal()
        onExit?(status)
    }

    /// Runs `body` with `strings` as a NULL-terminated array of C strings, freed after.
    private static func withCStrings<Result>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> Result) -> Result {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { pointers.forEach { free($0) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}

/// The one thread that sees every child exit: an epoll set of pidfds, each readable once its
/// process has exited, then reaped with `waitid(P_PIDFD)`. No thread per child, no lock around
/// spawning.
private final class ExitWatcher: Sendable {
    static let shared = ExitWatcher()
    private let epoll: Int32
    private let children = Locked<[Int32: ChildProcess]>([:])

    private init() {
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        precondition(epoll >= 0, "epoll_create1 failed: errno \(errno)")
        let thread = Thread { [self] in
            clinux_name_this_thread("child-exits")
            run()
        }
        thread.stackSize = 1 << 18
        thread.start()
    }

    func watch(_ child: ChildProcess) {
        guard child.pidfd >= 0 else { return reap(child) }
        children.withLock { $0[child.pidfd] = child }  // before epoll can report it
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.fd = child.pidfd
        if epoll_ctl(epoll, EPOLL_CTL_ADD, child.pidfd, &event) != 0 {
            children.withLock { _ = $0.removeValue(forKey: child.pidfd) }
            reap(child)  // cannot be watched: waited for on a thread of its own instead
        }
    }

    private func run() {
        var events = [epoll_event](repeating: epoll_event(), count: 32)
        while true {
            let count = epoll_wait(epoll, &events, Int32(events.count), -1)
            guard count > 0 else { continue }  // EINTR
            for event in events[0..<Int(count)] {
                let descriptor = event.data.fd
                guard let child = children.withLock({ $0.removeValue(forKey: descriptor) }) else { continue }
                epoll_ctl(epoll, EPOLL_CTL_DEL, descriptor, nil)
                finish(child)
            }
        }
    }

    /// Waits for `child` on a thread of its own: one without a pidfd, or one epoll refused.
    private func reap(_ child: ChildProcess) {
        Thread { [self] in finish(child) }.start()
    }

    private func finish(_ child: ChildProcess) {
        _ = clinux_await_exit(child.pidfd, child.processIdentifier)
        child.willBeReaped()
        var status: Int32 = -1
        _ = clinux_reap(child.pidfd, child.processIdentifier, &status)
        child.exited(status)
    }
}
