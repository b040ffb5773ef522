import Foundation
@testable import RaidHubLambda
import Testing

/// The trace id variable, rewritten for every invocation. (That it does not grow the process is
/// measured on a real function process: `WarmInstanceTests`.)
@Suite struct ReusedEnvironmentVariableTests {
    let name = "RAIDHUB_TEST_REUSED_VARIABLE"

    func current() -> String? { getenv(name).map { String(cString: $0) } }

    @Test func eachValueReplacesTheLastInTheProcessEnvironment() {
        let variable = ReusedEnvironmentVariable(name: name)
        #expect(current() == nil)
        variable.set("Root=1-00000001")
        #expect(current() == "Root=1-00000001")
        variable.set("short")
        #expect(current() == "short")
        let long = String(repeating: "x", count: 1000)
        variable.set(long)
        #expect(current() == long, "a longer value than the buffer holds")
        variable.set(nil)
        #expect(current() == nil)
        variable.set("again")
        #expect(current() == "again")
        variable.set(nil)
    }
}
