import RaidHubHTTP

/// The Runtime API over one kept-alive HTTP/1.1 connection on a POSIX socket: blocking calls, no
/// timeout on `/next`, no libcurl. The functions' default client.
public final class SocketRuntimeAPIClient: RuntimeAPIClient, @unchecked Sendable {
    private let connection: Result<HTTPClientConnection, HTTPClientError>

    /// A client for the Runtime API at `hostAndPort` (the value of `AWS_LAMBDA_RUNTIME_API`).
    public init(hostAndPort: String) {
        connection = Result { () throws(HTTPClientError) in try HTTPClientConnection(hostAndPort: hostAndPort) }
    }

    public func nextInvocation() throws(RuntimeAPIClientError) -> Result<Invocation, InvocationHeaderError> {
        let response = try call("GET", RuntimeAPI.nextPath)
        guard response.status == 200 else { throw Self.failure(status: response.status) }
        return Invocation.read(event: response.body) { response.header($0) }
    }

    public func sendResponse(_ payload: [UInt8], requestId: String) throws(RuntimeAPIClientError) {
        try expectAccepted(call("POST", RuntimeAPI.responsePath(requestId: requestId), body: payload, headers: Self.jsonHeaders))
    }

    public func sendError(_ error: FunctionError, requestId: String) throws(RuntimeAPIClientError) {
        try expectAccepted(call("POST", RuntimeAPI.errorPath(requestId: requestId), body: error.reportBody, headers: Self.errorHeaders))
    }

    public func sendInitError(_ error: FunctionError) throws(RuntimeAPIClientError) {
        try expectAccepted(call("POST", RuntimeAPI.initErrorPath, body: error.reportBody, headers: Self.errorHeaders))
    }

    /// Written once: every call would otherwise build its header list anew.
    private static let jsonHeaders = [HTTPField(name: "Content-Type", value: "application/json")]
    private static let errorHeaders = jsonHeaders + [HTTPField(name: RuntimeAPI.Header.functionErrorType, value: "Unhandled")]

    private func call(_ method: String, _ path: String, body: [UInt8] = [], headers: [HTTPField] = []) throws(RuntimeAPIClientError) -> HTTPResponseParser.Response {
        do {
            let connection = try connection.get()
            return try connection.send(method: method, path: path, headers: headers, body: body)
        } catch {
            throw .transport(error.description)
        }
    }

    private func expectAccepted(_ response: HTTPResponseParser.Response) throws(RuntimeAPIClientError) {
        guard (200..<300).contains(response.status) else { throw Self.failure(status: response.status) }
    }

    private static func failure(status: Int) -> RuntimeAPIClientError {
        status >= 500 ? .environmentBroken : .unexpectedStatus(status)
    }
}
