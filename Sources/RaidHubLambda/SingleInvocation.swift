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
        // Two 64-bit draws: one `getrandom` each, where a draw per byte cost 16 system calls.
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() & 0xFFFF_FFFF_FFFF_0FFF | 0x0000_0000_0000_4000
        let low = generator.next() & 0x3FFF_FFFF_FFFF_FFFF | 0x8000_0000_0000_0000
        let hex = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: 36) { text in
            var position = 0
            for nibble in 0..<32 {
                if nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20 {
                    text[position] = UInt8(ascii: "-")
                    position += 1
                }
                let word = nibble < 16 ? high : low
                text[position] = hex[Int(truncatingIfNeeded: word >> (60 - 4 * (nibble % 16)) & 0xF)]
                position += 1
            }
            return position
        }
    }
}
