import Foundation
import RaidHubHTTP
import RaidHubJSON

/// `start-lambda`: the Lambda Invoke API, `POST /2015-03-31/functions/{name}/invocations`, so
/// SDKs and the AWS CLI can invoke the local functions.
public struct LambdaInvokeEmulator: Sendable {
    private let runner: LocalRunner
    private let events = AsyncEvents()

    /// An Invoke API over `runner`'s functions.
    public init(runner: LocalRunner) {
        self.runner = runner
    }

    /// Lambda's limit on an `Event` invocation's payload (1 MB since October 2025).
    static let eventByteLimit = 1_048_576

    /// `Event` invocations accepted and not yet ended: Lambda queues them; here the queue holds
    /// at most `limit` of them and `byteLimit` of their payloads, and no thread each.
    final class AsyncEvents: @unchecked Sendable {
        static let limit = 1_000
        static let byteLimit = 64 << 20
        private let lock = NSLock()
        private var count = 0
        private var bytes = 0

        /// Takes room for an event of `size` bytes; false when the queue is full.
        func admit(_ size: Int) -> Bool {
            lock.withLock {
                guard count < Self.limit, bytes + size <= Self.byteLimit else { return false }
                count += 1
                bytes += size
                return true
            }
        }

        /// Gives back the room of an event of `size` bytes that ended.
        func release(_ size: Int) {
            lock.withLock {
                count -= 1
                bytes -= size
            }
        }
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
            guard events.admit(event.count) else {
                return Self.refusal(429, "TooManyRequestsException", #"{"Reason":"CallerRateLimitExceeded","Type":"User","message":"Rate exceeded"}"#)
            }
            do {
                try runner.invoke(name, event: event, traceId: traceId) { [events] _ in events.release(event.count) }
            } catch {
                events.release(event.count)
                return .message(500, "\(error)")
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
