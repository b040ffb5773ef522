import RaidHubHTTP

/// The way to answer a request taken by a deferred handler: call `respond` once, now or later,
/// from any thread. If the client goes away before the answer reaches it, `onClientGone` runs,
/// so work handed to a parked request (a Runtime API's event) can be given to the next one.
public final class HTTPResponder: Sendable {
    private struct State {
        var answered = false
        var gone = false
        var onClientGone: (@Sendable () -> Void)?
    }

    /// The client's connection: the server's number for it (each connection its own, however
    /// descriptors are reused) and the client's port, so work can tell who is asking.
    public struct Connection: Sendable, Hashable {
        /// Unique among this server's connections.
        public let number: UInt64
        /// The client's IP address, 4 bytes (IPv4) or 16 (IPv6), in network order; empty if unknown.
        public let clientAddress: [UInt8]
        /// The client's TCP port (0 if unknown).
        public let clientPort: UInt16
    }

    /// The connection the request came on.
    public let connection: Connection
    private let deliver: @Sendable (HTTPResponse, HTTPResponder) -> Void
    private let state = Locked(State())

    init(connection: Connection, deliver: @escaping @Sendable (HTTPResponse, HTTPResponder) -> Void) {
        self.connection = connection
        self.deliver = deliver
    }

    /// Sends `response`; only the first call counts. False when it was already answered or the
    /// client is known to have gone (it may still go before the answer is written: then
    /// `onClientGone` runs).
    @discardableResult
    public func respond(_ response: HTTPResponse) -> Bool {
        let first = state.withLock { state in
            defer { state.answered = true }
            return !state.answered && !state.gone
        }
        if first { deliver(response, self) }
        return first
    }

    /// Runs `action` once if the client closes its connection before the answer is written (at
    /// once if it already has).
    public func onClientGone(_ action: @escaping @Sendable () -> Void) {
        let runNow = state.withLock { state -> Bool in
            if state.gone { return true }
            state.onClientGone = action
            return false
        }
        if runNow { action() }
    }

    /// Whether the work behind the request cares that its client leaves before the answer
    /// (it said so with `onClientGone`): then a half-close counts as leaving. A request without
    /// such work is answered to a half-closed client, as nginx answers it.
    var caresIfClientLeaves: Bool { state.withLock { $0.onClientGone != nil } }

    /// Called by the server once the answer is written: the client can no longer miss it, so
    /// `onClientGone`'s action (which may hold the responder itself) is let go.
    func answerWritten() {
        state.withLock { $0.onClientGone = nil }
    }

    /// Called by the server when the connection closed before an answer was written to it.
    func clientWentAway() {
        let action = state.withLock { state -> (@Sendable () -> Void)? in
            guard !state.gone else { return nil }
            state.gone = true
            defer { state.onClientGone = nil }
            return state.onClientGone
        }
        action?()
    }
}
