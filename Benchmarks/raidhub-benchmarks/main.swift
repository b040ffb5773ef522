import Foundation

// Prints per-operation figures for the hot paths; see docs/benchmarks.md for how to read them.
//   raidhub-benchmarks [FILTER]                        token and invocation figures (FILTER keeps names containing it)
//   raidhub-benchmarks runtime-overhead [COUNT]        the Runtime API loop's cost outside the handler
//   raidhub-benchmarks warm-instance EXECUTABLE [COUNT] a function's RSS over COUNT invocations (default 1,000,000)
let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "runtime-overhead":
    WarmInstanceBenchmarks.runtimeOverhead(invocations: arguments.dropFirst().first.flatMap { Int($0) } ?? 100_000)
case "warm-instance":
    guard arguments.count >= 2 else { fatalError("usage: raidhub-benchmarks warm-instance EXECUTABLE [COUNT]") }
    let event = try Data(contentsOf: URL(fileURLWithPath: "functions/authorize-user/events/http-v2-success.json"))
    try WarmInstanceBenchmarks.warmInstance(
        executable: arguments[1], invocations: arguments.dropFirst(2).first.flatMap { Int($0) } ?? 1_000_000, event: Array(event))
default:
    for measurement in TokenBenchmarks.run(matching: arguments.first) + InvocationBenchmarks.run(matching: arguments.first) {
        print(measurement.report)
    }
}
