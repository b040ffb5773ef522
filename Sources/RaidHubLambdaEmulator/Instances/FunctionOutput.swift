import CLinuxEvents
import CLinuxThreads
import Foundation

/// An instance's stdout and stderr: one pipe the runner reads and copies to its log, as
/// Lambda sends both to the function's log, so an invocation's lines can also be kept for the
/// Invoke API's `LogType: Tail`.
final class FunctionOutput: @unchecked Sendable {
    /// The write end, for the process's stdout and stderr; closed here once it has started.
    let writeEnd: Int32
    /// The read end, while `isClosed` is false (under `lock`).
    let readEnd: Int32
    private let lock = NSLock()
    /// Whether the reader closed `readEnd` at the end of the output: from then on its number may
    /// be another descriptor's (a Runtime API connection), which a late `flush` must not read.
    private var isClosed = false
    private let log: LambdaLog
    /// The reader threads' name, as /proc and debuggers show it.
    static let threadName = "fn-output"
    /// Where the current invocation's output is also kept, when its caller asked for the tail.
    private var capture: LogTail?

    /// A new pipe; both ends close on exec, so no other child inherits them (one that held the
    /// write end would keep this pipe from ever ending).
    init(log: LambdaLog) throws {
        self.log = log
        var ends: [Int32] = [-1, -1]
        guard clinux_pipe_cloexec(&ends) == 0 else { throw LambdaEmulatorError("cannot create a pipe for the function's output: errno \(errno)") }
        readEnd = ends[0]
        writeEnd = ends[1]
        _ = fcntl(readEnd, F_SETFL, fcntl(readEnd, F_GETFL) | O_NONBLOCK)
    }

    /// After the process started (or failed to): gives up the runner's write end and copies the
    /// output until the process and every copy of the write end are gone.
    func started() {
        close(writeEnd)
        Thread { [self] in
            clinux_name_this_thread(Self.threadName)
            pump()
        }.start()
    }

    /// Copies what the function has written so far, so it is in the log before the runner's
    /// END line: the functions write their lines before posting their answer. At most a pipe's
    /// worth and a little more: a function that writes without pause must not hold the end of
    /// its invocation (on the thread that ends every pool's invocations) for ever.
    func flush() {
        lock.withLock {
            guard !isClosed else { return }
            _ = drain(atMost: Self.flushLimit)
        }
    }

    /// What one `flush` copies at most.
    private static let flushLimit = 1 << 20

    /// Also keeps what the function writes from now on in `tail` (nil: stops keeping it).
    func keep(in tail: LogTail?) {
        lock.withLock { capture = tail }
    }

    /// Copies the output as it comes, at most every `batching`: a reader always waiting on the
    /// pipe made every line a function wrote wake it, and that wake-up, paid by the function
    /// in its `write`, cost more than the rest of its log line. Lines still reach the log within
    /// 20 ms, and `flush` takes an invocation's own at its end.
    private func pump() {
        var descriptor = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
        while true {
            let ready = poll(&descriptor, 1, -1)
            if ready < 0, errno == EINTR { continue }
            guard ready > 0, !lock.withLock({ drain() }) else { break }
            usleep(Self.batching)
        }
        lock.withLock {
            isClosed = true
            close(readEnd)
        }
    }

    /// How long the reader waits before looking at the pipe again, in microseconds.
    private static let batching: UInt32 = 20_000

    /// Reads what is available, up to `limit` bytes (the caller holds the lock); true at the end
    /// of the output.
    private func drain(atMost limit: Int = .max) -> Bool {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 65_536) { buffer in
            var copied = 0
            while copied < limit {
                let count = read(readEnd, buffer.baseAddress, buffer.count)
                if count < 0, errno == EINTR { continue }
                if count < 0 { return errno != EAGAIN }
                if count == 0 { return true }
                let chunk = UnsafeBufferPointer(rebasing: buffer[0..<count])
                log.raw(chunk)
                capture?.append(chunk)
                copied += count
            }
            return false
        }
    }
}

/// The end of one invocation's log (START, the function's output, END, REPORT), as the Invoke
/// API returns it for `LogType: Tail`: at most the last 4 KB.
public final class LogTail: @unchecked Sendable {
    /// Lambda's limit.
    public static let limit = 4096
    private let lock = NSLock()
    private var bytes: [UInt8] = []

    /// An empty tail.
    public init() {}

    /// Adds bytes at the end, dropping the oldest beyond the limit.
    func append(_ chunk: some Collection<UInt8>) {
        lock.withLock {
            bytes.append(contentsOf: chunk)
            if bytes.count > 2 * Self.limit { bytes.removeFirst(bytes.count - Self.limit) }
        }
    }

    /// The last 4 KB, base64-encoded: `X-Amz-Log-Result`.
    public var base64: String {
        lock.withLock { Data(bytes.suffix(Self.limit)).base64EncodedString() }
    }
}
