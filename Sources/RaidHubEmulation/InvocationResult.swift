import Foundation
import RaidHubLambda

/// How one invocation of an emulated function ended.
public enum InvocationResult: Sendable, Equatable {
    /// `/response` was posted with this payload.
    case response([UInt8])
    /// `/error` was posted: the function's error report and its error type header.
    case functionError(report: [UInt8], type: String?)
    /// `/init/error` was posted: the function could not start.
    case initError(report: [UInt8])
    /// The process exited before answering the invocation with this request id.
    case crashed(exitStatus: Int32, requestId: String)
    /// No answer before the function's timeout; the instance was killed.
    case timedOut(seconds: Int)
    /// Not run: the function's reserved concurrency was all in use (Lambda's 429).
    case throttled
    /// Not run: more calls wait for this function than the runner keeps (the account's
    /// concurrency, on Lambda: a 429 too).
    case queueFull
    /// Not run: the event is over Lambda's limit for a request, refused before any function
    /// sees it (Lambda's 413); the instances stay warm.
    case requestTooLarge(byteCount: Int)

    /// Whether Lambda refused the invoke itself: no function ran.
    public var isRefusal: Bool {
        switch self {
        case .throttled, .queueFull, .requestTooLarge: true
        default: false
        }
    }

    /// The JSON a caller of the Lambda Invoke API gets for a failure (Lambda's own shapes).
    public var errorPayload: [UInt8]? {
        switch self {
        case .response: nil
        case .functionError(let report, _), .initError(let report): report
        case .crashed(let status, let requestId):
            // Lambda's own wording for a runtime that exits mid-invocation.
            Array(#"{"errorType":"Runtime.ExitError","errorMessage":"RequestId: \#(requestId) Error: Runtime exited with error: exit status \#(status)"}"#.utf8)
        case .timedOut(let seconds):
            Array(#"{"errorType":"Sandbox.Timedout","errorMessage":"Task timed out after \#(seconds).00 seconds"}"#.utf8)
        case .throttled:
            // The body of Lambda's TooManyRequestsException.
            Array(#"{"Reason":"ReservedFunctionConcurrentInvocationLimitExceeded","Type":"User","message":"Rate Exceeded."}"#.utf8)
        case .queueFull:
            Array(#"{"Reason":"ConcurrentInvocationLimitExceeded","Type":"User","message":"Rate Exceeded."}"#.utf8)
        case .requestTooLarge:
            Array(#"{"Type":"User","message":"Request must be smaller than \#(RuntimeAPI.maximumRequestByteCount) bytes for the InvokeFunction operation"}"#.utf8)
        }
    }
}

/// Starts work that answers through a completion, and blocks until it does: the blocking form
/// of the pool's and the emulator's calls, for callers on threads of their own.
package func waitForCompletion<Value: Sendable>(_ start: (@escaping @Sendable (Value) -> Void) -> Void) -> Value {
    let box = CompletionBox<Value>()
    start { value in
        box.value = value
        box.done.signal()
    }
    box.done.wait()
    return box.value!
}

/// The value a completion delivered, handed to the waiting thread.
private final class CompletionBox<Value: Sendable>: @unchecked Sendable {
    let done = DispatchSemaphore(value: 0)
    var value: Value?
}
