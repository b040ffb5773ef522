import Foundation
import RaidHubHTTP

/// `start-lambda`: the Lambda Invoke API, `POST /2015-03-31/functions/{name}/invocations`, so
/// SDKs and the AWS CLI can invoke the local functions.
public struct LambdaInvokeEmulator: Sendable {
    private let runner: LocalRunner

    /// An Invoke API over `runner`'s functions.
    public init(runner: LocalRunner) {
        self.runner = runner
    }

    /// The answer to one Invoke API call.
    public func respond(to request: HTTPRequest) -> HTTPResponse {
        let parts = request.path.split(separator: "/")
        guard request.method == "POST", parts.count == 4, parts[0] == "2015-03-31", parts[1] == "functions", parts[3] == "invocations" else {
            return .message(404, "Not Found")
        }
        let name = String(parts[2]).removingPercentEncoding ?? String(parts[2])
        guard runner.template.function(named: name) != nil else {
            return HTTPResponse(status: 404, headers: [HTTPField(name: "Content-Type", value: "application/json")],
                                body: Array(#"{"Type":"User","message":"Function not found: \#(name)"}"#.utf8))
        }
        if request.header("x-amz-invocation-type") == "Event" {
            let event = request.body
            Thread { [runner] in _ = try? runner.invoke(name, event: event) }.start()
            return HTTPResponse(status: 202)
        }
        let json = HTTPField(name: "Content-Type", value: "application/json")
        do {
            let result = try runner.invoke(name, event: request.body)
            if case .response(let payload) = result { return HTTPResponse(status: 200, headers: [json], body: payload) }
            return HTTPResponse(status: 200, headers: [json, HTTPField(name: "X-Amz-Function-Error", value: "Unhandled")],
                                body: result.errorPayload ?? [])
        } catch {
            return .message(500, "\(error)")
        }
    }
}
