import RaidHubTime

/// One event from a file or stdin, answered on stdout: what `sam local invoke` does, without a
/// container, and what tests and scripts use.
struct SingleInvocation {
    let functionName: String
    let log: InvocationLog
    var clock: any WallClock = SystemWallClock()

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
            event = try POSIXFile.readAll(path: path)
        } catch {
            log.event(.error, error.description)
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
        POSIXFile.write(payload + [0x0A], to: 1)
        return 0
    }

    /// A context like Lambda's: a fresh request id, and the deadline the function's timeout gives
    /// (`AWS_LAMBDA_FUNCTION_TIMEOUT` seconds, 3 by default, Lambda's own default).
    private func localContext(environment: [String: String]) -> InvocationContext {
        let timeoutSeconds = environment["AWS_LAMBDA_FUNCTION_TIMEOUT"].flatMap { Int64($0) } ?? 3
        let now = clock.now().milliseconds
        return InvocationContext(
            requestId: Self.randomRequestId(),
            deadlineMilliseconds: now + timeoutSeconds * 1000,
            invokedFunctionARN: "arn:aws:lambda:local:000000000000:function:\(functionName)",
            traceId: environment[RuntimeAPI.traceIdEnvironmentVariable])
    }

    /// A random (version 4) UUID in lower case, the form of Lambda's request ids.
    static func randomRequestId() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        let hex = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for (index, byte) in bytes.enumerated() {
            if [4, 6, 8, 10].contains(index) { text.append(UInt8(ascii: "-")) }
            text.append(hex[Int(byte >> 4)])
            text.append(hex[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
