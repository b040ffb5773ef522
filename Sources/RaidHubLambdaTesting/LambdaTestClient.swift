import Foundation
import RaidHubAPIGateway
import RaidHubLambda

/// Invokes any handler in-process, as Lambda would, for a test: with raw event bytes, an event
/// file, or an HTTP request built here and sent as an API Gateway event.
public struct LambdaTestClient: Sendable {
    /// The handler under test.
    public let handler: any LambdaHandler

    /// A client for `handler`.
    public init(_ handler: any LambdaHandler) {
        self.handler = handler
    }

    /// One invocation of `event`, with a context like Lambda's (a 3-second deadline).
    public func invoke(_ event: [UInt8], requestId: String = "test-request-id") throws(FunctionError) -> InvocationOutput {
        let deadline = Int64(Date().timeIntervalSince1970 * 1000) + 3000
        let context = InvocationContext(
            requestId: requestId, deadlineMilliseconds: deadline,
            invokedFunctionARN: "arn:aws:lambda:us-east-1:123456789012:function:test")
        return try handler.handle(event, context: context)
    }

    /// One invocation of the event in `file` (e.g. a function's `events/*.json`).
    public func invoke(eventFile file: URL) throws -> InvocationOutput {
        try invoke(Array(Data(contentsOf: file)))
    }

    /// Sends `request` as an API Gateway event of its format and decodes the answer.
    public func send(_ request: TestHTTPRequest) throws -> TestHTTPResponse {
        try TestHTTPResponse(decoding: invoke(request.event).payload)
    }
}
