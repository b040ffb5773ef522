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
        let given = String(parts[2]).removingPercentEncoding ?? String(parts[2])
        let name = Self.functionName(given)
        guard runner.template.function(named: name) != nil else {
            // What SDKs turn into ResourceNotFoundException: the type in X-Amzn-ErrorType.
            return HTTPResponse(status: 404, headers: [
                HTTPField(name: "Content-Type", value: "application/json"),
                HTTPField(name: "X-Amzn-ErrorType", value: "ResourceNotFoundException"),
            ], body: Array(#"{"Type":"User","Message":"Function not found: arn:aws:lambda:us-east-1:000000000000:function:\#(name)"}"#.utf8))
        }
        let traceId = request.header("x-amzn-trace-id")
        let clientContext = request.header("x-amz-client-context").flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) }
        switch request.header("x-amz-invocation-type") {
        case "DryRun":
            return HTTPResponse(status: 204)  // checks the function and the caller, runs nothing
        case "Event":
            let event = request.body
            Thread { [runner] in _ = try? runner.invoke(name, event: event, traceId: traceId, clientContext: clientContext) }.start()
            return HTTPResponse(status: 202)
        default:
            break
        }
        let tail = request.header("x-amz-log-type") == "Tail" ? LogTail() : nil
        do {
            let result = try runner.invoke(name, event: request.body, traceId: traceId, clientContext: clientContext, tail: tail)
            var headers = [HTTPField(name: "Content-Type", value: "application/json")]
            if case .throttled = result {
                headers.append(HTTPField(name: "X-Amzn-ErrorType", value: "TooManyRequestsException"))
                return HTTPResponse(status: 429, headers: headers, body: result.errorPayload ?? [])
            }
            headers.append(HTTPField(name: "X-Amz-Executed-Version", value: "$LATEST"))
            if let tail { headers.append(HTTPField(name: "X-Amz-Log-Result", value: tail.base64)) }
            if case .response(let payload) = result { return HTTPResponse(status: 200, headers: headers, body: payload) }
            headers.append(HTTPField(name: "X-Amz-Function-Error", value: "Unhandled"))
            return HTTPResponse(status: 200, headers: headers, body: result.errorPayload ?? [])
        } catch {
            return .message(500, "\(error)")
        }
    }

    /// The function's name from any form the Invoke API accepts: `NAME`, `NAME:QUALIFIER`,
    /// `ACCOUNT:function:NAME[:QUALIFIER]` or a whole ARN (the qualifier is ignored: one version).
    static func functionName(_ given: String) -> String {
        let fields = given.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if let marker = fields.firstIndex(of: "function"), marker + 1 < fields.count { return fields[marker + 1] }
        return fields.first ?? given
    }
}
