import Foundation
import RaidHubEmulation
import RaidHubHTTPServer
import RaidHubLambdaEmulator
import RaidHubTemplate
import RaidHubTestSupport

/// The Lambda emulator in the test's own process, as `local-runner` sets it up, over the
/// development env file (`local-runner/env.json`), and its Invoke API served on loopback.
package enum RunnerServers {
    /// The project's own `template.yaml`.
    package static func projectTemplate() throws -> SAMTemplate {
        try SAMTemplate.load(DevelopmentEnvironment.root.appendingPathComponent("template.yaml"))
    }

    /// A Lambda emulator over `template`'s functions in `executables`, writing no log.
    package static func lambdaEmulator(_ template: SAMTemplate, executables: URL = FunctionExecutable.directory,
                                       time: Timekeeper = Timekeeper()) throws -> LambdaEmulator {
        let envFile = try EnvironmentFile.load(DevelopmentEnvironment.root.appendingPathComponent("local-runner/env.json"))
        return LambdaEmulator(template: template, environmentFile: envFile, executablesDirectory: executables, log: LambdaLog { _ in },
                              timekeeper: time)
    }

    /// `start-lambda`: the Invoke API over `template`'s functions in `executables`; its
    /// functions' URL prefix.
    package static func invokeAPI(_ template: SAMTemplate, executables: URL = FunctionExecutable.directory,
                                  time: Timekeeper = Timekeeper()) throws -> (HTTPServer, LambdaEmulator, String) {
        let runner = try lambdaEmulator(template, executables: executables, time: time)
        let emulator = LambdaInvokeEmulator(runner: runner)
        let server = HTTPServer(port: 0, limits: LambdaInvokeEmulator.serverLimits) { emulator.respond(to: $0) }
        return (server, runner, "http://127.0.0.1:\(try server.start())/2015-03-31/functions")
    }
}
