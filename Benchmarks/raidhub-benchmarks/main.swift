import Foundation

// Prints per-operation figures for the hot paths; see docs/benchmarks.md for how to read them.
// An argument keeps only the operations whose name contains it, e.g. `raidhub-benchmarks verify`.
let filter = CommandLine.arguments.dropFirst().first
for measurement in TokenBenchmarks.run(matching: filter) + InvocationBenchmarks.run(matching: filter) {
    print(measurement.report)
}
