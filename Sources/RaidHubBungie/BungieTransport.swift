import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The seam between the Bungie client and the network.
public protocol BungieTransport: Sendable {
    /// Sends `request` and waits for the answer, at most `timeout` seconds.
    func send(_ request: URLRequest, timeout: TimeInterval) -> Result<(HTTPURLResponse, Data), BungieTransportError>
}

/// No answer: unreachable, refused, or too slow.
public enum BungieTransportError: Error, Sendable, Equatable {
    case timedOut
    case failed(String)
}

/// The transport over URLSession: one ephemeral session, reused across invocations.
public final class URLSessionBungieTransport: BungieTransport, @unchecked Sendable {
    private let session: URLSession

    /// A transport with its own session (no cookies, no cache).
    public init() {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        session = URLSession(configuration: configuration)
    }

    public func send(_ request: URLRequest, timeout: TimeInterval) -> Result<(HTTPURLResponse, Data), BungieTransportError> {
        guard timeout > 0 else { return .failure(.timedOut) }
        var request = request
        // Only a backstop, rounded up: swift-corelibs-foundation truncates a sub-second interval
        // to zero, which times out at once. The wait below is what bounds the exchange.
        request.timeoutInterval = timeout.rounded(.up) + 1
        final class Outcome: @unchecked Sendable { var value: Result<(HTTPURLResponse, Data), BungieTransportError> = .failure(.timedOut) }
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        let task = session.dataTask(with: request) { data, response, error in
            if let response = response as? HTTPURLResponse {
                outcome.value = .success((response, data ?? Data()))
            } else if let error = error as? URLError, error.code == .timedOut {
                outcome.value = .failure(.timedOut)
            } else {
                outcome.value = .failure(.failed(error.map { String(describing: type(of: $0)) } ?? "no response"))
            }
            done.signal()
        }
        task.resume()
        // URLSession's own timeout is between packets; this bounds the whole exchange.
        if done.wait(timeout: .now() + timeout) == .timedOut {
            task.cancel()
            done.wait()
            return .failure(.timedOut)
        }
        return outcome.value
    }
}
