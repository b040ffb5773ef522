import Foundation
import RaidHubLambda
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The Runtime API over `URLSession` (libcurl on Linux): one session, one kept-alive connection.
///
/// Not the functions' default: linking FoundationNetworking costs ~5 ms at every cold start and
/// ~0.9 ms of CPU per invocation (docs/benchmarks.md). For a function that wants it anyway:
/// `FunctionProcess(..., makeClient: { URLSessionRuntimeAPIClient(hostAndPort: $0) })`.
public final class URLSessionRuntimeAPIClient: RuntimeAPIClient {
    /// `GET /next` may wait for hours between events; URLSession has no "no timeout", so the
    /// timeouts are set to a year (a finite value: libcurl takes it as an integer of milliseconds).
    static let longPollTimeout: TimeInterval = 365 * 24 * 3600

    private let baseURL: String
    private let session: URLSession

    /// A client for the Runtime API at `hostAndPort` (the value of `AWS_LAMBDA_RUNTIME_API`).
    public init(hostAndPort: String) {
        baseURL = "http://" + hostAndPort
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = Self.longPollTimeout
        configuration.timeoutIntervalForResource = Self.longPollTimeout
        configuration.httpMaximumConnectionsPerHost = 1
        configuration.urlCache = nil
        session = URLSession(configuration: configuration)
    }

    public func nextInvocation() throws(RuntimeAPIClientError) -> Result<Invocation, InvocationHeaderError> {
        let (response, body) = try perform("GET", RuntimeAPI.nextPath, body: nil)
        guard response.statusCode == 200 else { throw Self.failure(status: response.statusCode) }
        return Invocation.read(event: Array(body)) { response.value(forHTTPHeaderField: $0) }
    }

    public func sendResponse(_ payload: [UInt8], requestId: String) throws(RuntimeAPIClientError) {
        try expectAccepted(perform("POST", RuntimeAPI.responsePath(requestId: requestId), body: Data(payload)))
    }

    public func sendError(_ error: FunctionError, requestId: String) throws(RuntimeAPIClientError) {
        try expectAccepted(perform("POST", RuntimeAPI.errorPath(requestId: requestId), body: Data(error.reportBody)))
    }

    public func sendInitError(_ error: FunctionError) throws(RuntimeAPIClientError) {
        try expectAccepted(perform("POST", RuntimeAPI.initErrorPath, body: Data(error.reportBody)))
    }

    private func expectAccepted(_ answer: (HTTPURLResponse, Data)) throws(RuntimeAPIClientError) {
        guard (200..<300).contains(answer.0.statusCode) else { throw Self.failure(status: answer.0.statusCode) }
    }

    private static func failure(status: Int) -> RuntimeAPIClientError {
        status >= 500 ? .environmentBroken : .unexpectedStatus(status)
    }

    /// One call, waited for: the loop serves one invocation at a time, so nothing is gained by
    /// suspending, and a blocking call keeps the loop a plain `while`.
    private func perform(_ method: String, _ path: String, body: Data?) throws(RuntimeAPIClientError) -> (HTTPURLResponse, Data) {
        guard let url = URL(string: baseURL + path) else { throw .transport("invalid Runtime API address") }
        var request = URLRequest(url: url, timeoutInterval: Self.longPollTimeout)
        request.httpMethod = method
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            if path.hasSuffix("/error") {
                request.setValue("Unhandled", forHTTPHeaderField: RuntimeAPI.Header.functionErrorType)
            }
        }
        let completion = Completion()
        session.dataTask(with: request) { data, response, error in
            completion.finish(data: data, response: response, error: error)
        }.resume()
        return try completion.wait()
    }
}

/// Carries a data task's result from URLSession's queue to the waiting caller.
private final class Completion: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<(HTTPURLResponse, Data), RuntimeAPIClientError> = .failure(.transport("no answer"))

    func finish(data: Data?, response: URLResponse?, error: Error?) {
        if let response = response as? HTTPURLResponse {
            result = .success((response, data ?? Data()))
        } else {
            result = .failure(.transport(error.map { String(describing: type(of: $0)) + " " + $0.localizedDescription } ?? "no response"))
        }
        done.signal()  // the semaphore orders the write above before the read in `wait`
    }

    func wait() throws(RuntimeAPIClientError) -> (HTTPURLResponse, Data) {
        done.wait()
        return try result.get()
    }
}
