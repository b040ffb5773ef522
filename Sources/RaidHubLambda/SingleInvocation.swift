import Foundation

/// One event from a file or stdin, answered on stdout: what `sam local invoke` does, without a
/// container, and what tests and scripts use.
struct SingleInvocation {
    let functionName: String
    let log: InvocationLog

    /// Serves the event; returns the exit status.
    func run(
        source path: String?, environment: [String: String],
        makeHandler: ([String: String]) throws -> any LambdaHandler
    ) -> Int32 {
        let handler: any LambdaHandler
        do {
            handler = try makeHandler(environment)
        } catch {
            log.failure(requestId: nil, FunctionError(.invalidConfiguration, String(describing: error)))
            return 1
        }
        let event: [UInt8]
        do {
            event = try Array(path.map { try Data(contentsOf: URL(fileURLWithPath: $0)) } ?? FileHandle.standardInput.readToEnd() ?? Data())
        } catch {
            log.event(level: "error", "cannot read the event from \(path ?? "standard input"): \(error.localizedDescription)")
            return 1
        }
        let context = localContext(environment: environment)
        let started = ContinuousClock.now
        let payload: [UInt8]
        do {
            let output = try handler.handle(event, context: context)
            payload = output.payload
            log.invocation(requestId: context.requestId, outcome: output.outcome, durationMicroseconds: RuntimeLoop.microseconds(since: started))
        } catch {
            payload = error.reportBody
            log.failure(requestId: context.requestId, error, durationMicroseconds: RuntimeLoop.microseconds(since: started))
        }
        FileHandle.standardOutput.write(Data(payload + [0x0A]))
        return 0
    }

    /// A context like Lambda's: a fresh request id, and the deadline the function's timeout gives
    /// (`AWS_LAMBDA_FUNCTION_TIMEOUT` seconds, 3 by default, Lambda's own default).
    private func localContext(environment: [String: String]) -> InvocationContext {
        let timeoutSeconds = environment["AWS_LAMBDA_FUNCTION_TIMEOUT"].flatMap { Int64($0) } ?? 3
        let now = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
        return InvocationContext(
            requestId: UUID().uuidString.lowercased(),
            deadlineMilliseconds: now + timeoutSeconds * 1000,
            invokedFunctionARN: "arn:aws:lambda:local:000000000000:function:\(functionName)",
            traceId: environment[RuntimeAPI.traceIdEnvironmentVariable])
    }
}
