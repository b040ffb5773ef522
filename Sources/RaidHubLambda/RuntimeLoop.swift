/// Lambda's invocation loop: next, handle, respond or report, again; until the Runtime API fails.
public struct RuntimeLoop: Sendable {
    private let client: any RuntimeAPIClient
    private let handler: any LambdaHandler
    private let log: InvocationLog
    /// Receives each invocation's trace id (the process sets `_X_AMZN_TRACE_ID` with it).
    private let setTraceId: @Sendable (String?) -> Void

    /// A loop serving `handler` through `client`.
    public init(
        client: any RuntimeAPIClient, handler: any LambdaHandler, log: InvocationLog,
        setTraceId: @escaping @Sendable (String?) -> Void = { _ in }
    ) {
        self.client = client
        self.handler = handler
        self.log = log
        self.setTraceId = setTraceId
    }

    /// Serves invocations one at a time; returns the Runtime API failure that ended the loop.
    /// A refused answer ends that invocation only; a refused `/next` ends the loop, since asking
    /// again at once would be refused again, forever (it once asked 66 times in 3 s).
    public func run() -> RuntimeAPIClientError {
        while true {
            let next: Result<Invocation, InvocationHeaderError>
            do {
                next = try client.nextInvocation()
            } catch {
                log.event(.error, "stopping: \(error)")
                return error
            }
            do {
                switch next {
                case .success(let invocation):
                    try serve(invocation)
                case .failure(.missingRequestId):
                    log.event(.error, "an event arrived without \(RuntimeAPI.Header.requestId); it cannot be answered")
                case .failure(.invalid(let requestId, let header)):
                    let error = FunctionError(.invalidInvocation, "missing or malformed \(header) header")
                    log.failure(requestId: requestId, error)
                    try client.sendError(error, requestId: requestId)
                }
            } catch .unexpectedStatus(let status) {
                // The Runtime API refused one answer (e.g. 400 for an unknown id): that invocation is over.
                log.event(.error, "the Runtime API answered \(status); continuing with the next event")
            } catch {
                log.event(.error, "stopping: \(error)")
                return error
            }
        }
    }

    private func serve(_ invocation: Invocation) throws(RuntimeAPIClientError) {
        setTraceId(invocation.context.traceId)
        let started = ContinuousClock.now
        let requestId = invocation.context.requestId
        switch answer(invocation) {
        case .success(let output):
            // Log first: Lambda may freeze the sandbox as soon as the response is posted.
            log.invocation(requestId: requestId, outcome: output.outcome, durationMicroseconds: Self.microseconds(since: started))
            try client.sendResponse(output.payload, requestId: requestId)
        case .failure(let error):
            log.failure(requestId: requestId, error, durationMicroseconds: Self.microseconds(since: started))
            try client.sendError(error, requestId: requestId)
        }
    }

    private func answer(_ invocation: Invocation) -> Result<InvocationOutput, FunctionError> {
        Result { () throws(FunctionError) in
            let output = try handler.handle(invocation.event, context: invocation.context)
            guard output.payload.count <= RuntimeAPI.maximumResponseByteCount else {
                throw FunctionError(.responseTooLarge, "response of \(output.payload.count) bytes exceeds Lambda's \(RuntimeAPI.maximumResponseByteCount)")
            }
            return output
        }
    }

    static func microseconds(since start: ContinuousClock.Instant) -> Int64 {
        let elapsed = ContinuousClock.now - start
        return elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
    }
}
