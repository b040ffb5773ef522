import Foundation
import RaidHubEmulation
import RaidHubHTTP
import RaidHubHTTPServer
import RaidHubJSON

/// `start-lambda`: the Lambda Invoke API, `POST /2015-03-31/functions/{name}/invocations`, so
/// SDKs and the AWS CLI can invoke the local functions.
public struct LambdaInvokeEmulator: Sendable {
    private let runner: LambdaEmulator
    private let events: AsyncInvocationQueue

    /// An Invoke API over `runner`'s functions.
    public init(runner: LambdaEmulator) {
        self.runner = runner
        self.events = AsyncInvocationQueue(runner: runner)
    }

    /// The limits `start-lambda` serves with: bodies up to 8 MiB are read, so one over Lambda's
    /// 6 MB request limit gets Lambda's own answer (413, `RequestEntityTooLargeException`) and
    /// not the server's bare 413; larger bodies still meet the server's.
    public static var serverLimits: HTTPServer.Limits {
        var limits = HTTPServer.Limits()
        limits.maximumBodyByteCount = 8 << 20
        return limits
    }

    /// Lambda's limit on an `Event` invocation's payload (1 MB since October 2025).
    static let eventByteLimit = 1_048_576

    /// The answer to one Invoke API call.
    public func respond(to request: HTTPRequest) -> HTTPResponse {
        let parts = request.path.split(separator: "/")
        guard request.method == "POST", parts.count == 4, parts[0] == "2015-03-31", parts[1] == "functions", parts[3] == "invocations" else {
            return .message(404, "Not Found")
        }
        let given = String(parts[2]).removingPercentEncoding ?? String(parts[2])
        let name = Self.functionName(given)
        guard let function = runner.template.function(named: name) else {
            // What SDKs turn into ResourceNotFoundException: the type in X-Amzn-ErrorType. The
            // name the caller gave is written as JSON text, whatever it holds.
            var writer = JSONWriter()
            writer.openObject()
            writer.key("Type"); writer.string("User")
            writer.key("Message"); writer.string("Function not found: arn:aws:lambda:\(runner.region):\(LocalIdentifier.accountId):function:\(name)")
            writer.closeObject()
            return Self.refusal(404, "ResourceNotFoundException", String(decoding: writer.bytes, as: UTF8.self))
        }
        let traceId = request.header("x-amzn-trace-id")
        var clientContext: String?
        if let given = request.header("x-amz-client-context") {
            guard let context = Self.clientContext(given) else {
                return Self.refusal(400, "InvalidRequestContentException",
                                    #"{"Type":"User","message":"Client context must be a valid Base64-encoded JSON object."}"#)
            }
            clientContext = context
        }
        switch request.header("x-amz-invocation-type") {
        case "DryRun":
            return HTTPResponse(status: 204)  // checks the function and the caller, runs nothing
        case "Event":
            // Queued as Lambda queues it (no 202 for an event that cannot be kept), and run
            // without a thread of its own: 2,000 at once used to start 2,000 threads.
            let event = request.body
            guard event.count <= Self.eventByteLimit else {
                return Self.refusal(413, "RequestEntityTooLargeException",
                                    #"{"Type":"User","message":"\#(event.count) byte payload is too large for the Event invocation type (limit \#(Self.eventByteLimit) bytes)"}"#)
            }
            do {
                _ = try runner.pool(for: function)  // one that cannot start is said now, not after a 202
            } catch {
                return .message(500, "\(error)")
            }
            guard events.accept(event, for: function, traceId: traceId) else {
                return Self.refusal(429, "TooManyRequestsException", #"{"Reason":"CallerRateLimitExceeded","Type":"User","message":"Rate exceeded"}"#)
            }
            return HTTPResponse(status: 202)
        default:
            break
        }
        let tail = request.header("x-amz-log-type") == "Tail" ? LogTail() : nil
        do {
            let result = try runner.invoke(name, event: request.body, traceId: traceId, clientContext: clientContext, tail: tail)
            var headers = [HTTPField(name: "Content-Type", value: "application/json")]
            if let refusal = result.refusal {
                headers.append(HTTPField(name: "X-Amzn-ErrorType", value: refusal.errorType))
                return HTTPResponse(status: refusal.status, headers: headers, body: result.errorPayload ?? [])
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

    /// `X-Amz-Client-Context` as the runtime gets it in `Lambda-Runtime-Client-Context`: at most
    /// 3,583 characters of base64 of a JSON object, written again as compact JSON, so a
    /// pretty-printed context (line breaks and all) fits the one header line of `/next`. Nil
    /// when it is not that, which Lambda refuses.
    static func clientContext(_ header: String) -> String? {
        guard header.utf8.count <= 3583, let decoded = Data(base64Encoded: header),
              let object = try? JSONParser.parse(Array(decoded)), object.objectValue != nil
        else { return nil }
        var writer = JSONWriter()
        writer.value(object)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// A Lambda API error: `status`, `X-Amzn-ErrorType: type`, and Lambda's JSON `body`.
    static func refusal(_ status: Int, _ type: String, _ body: String) -> HTTPResponse {
        HTTPResponse(status: status, headers: [
            HTTPField(name: "Content-Type", value: "application/json"), HTTPField(name: "X-Amzn-ErrorType", value: type),
        ], body: Array(body.utf8))
    }

    /// The function's name from any form the Invoke API accepts: `NAME`, `NAME:QUALIFIER`,
    /// `ACCOUNT:function:NAME[:QUALIFIER]` or a whole ARN (the qualifier is ignored: one version).
    static func functionName(_ given: String) -> String {
        let fields = given.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if let marker = fields.firstIndex(of: "function"), marker + 1 < fields.count { return fields[marker + 1] }
        return fields.first ?? given
    }
}

extension InvocationResult {
    /// For a refusal, the Invoke API's status and `X-Amzn-ErrorType`.
    fileprivate var refusal: (status: Int, errorType: String)? {
        switch self {
        case .throttled, .queueFull: (429, "TooManyRequestsException")
        case .requestTooLarge: (413, "RequestEntityTooLargeException")
        default: nil
        }
    }
}
