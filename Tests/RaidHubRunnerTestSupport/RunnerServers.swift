import Foundation
import RaidHubAPIGatewayEmulator
import RaidHubEmulation
import RaidHubHTTPServer
import RaidHubLambdaEmulator
import RaidHubLocalRunner
import RaidHubTemplate
import RaidHubTestSupport

/// The runner's emulators served on loopback in the test's own process, as `local-runner`
/// serves them, over the development env file (`local-runner/env.json`).
package enum RunnerServers {
    /// The project's own `template.yaml`.
    package static func projectTemplate() throws -> SAMTemplate {
        try SAMTemplate.load(DevelopmentEnvironment.root.appendingPathComponent("template.yaml"))
    }

    /// `start-api` over `template`'s functions in `executables`: the server, the Lambda
    /// emulator behind it (to shut down) and the base URL.
    package static func startAPI(_ template: SAMTemplate, executables: URL = FunctionExecutable.directory) throws -> (HTTPServer, LambdaEmulator, String) {
        let runner = LambdaEmulator(template: template, environmentFile: try developmentEnvironmentFile(), executablesDirectory: executables, log: LambdaLog { _ in })
        final class Late: @unchecked Sendable { var emulator: APIGatewayEmulator? }
        let late = Late()
        // Deferred, as `local-runner start-api` serves it: the answer comes from the function's loop.
        let server = HTTPServer(port: 0) { request, responder in late.emulator!.respond(to: request, whenCallerLeaves: responder.onClientGone) { responder.respond($0) } }
        let port = try server.start()  // the emulator needs the bound port, known only now
        late.emulator = APIGatewayEmulator(runner: runner, host: "127.0.0.1:\(port)")
        return (server, runner, "http://127.0.0.1:\(port)")
    }

    /// `start-lambda`: the Invoke API over `template`'s functions in `executables`; its
    /// functions' URL prefix.
    package static func invokeAPI(_ template: SAMTemplate, executables: URL = FunctionExecutable.directory,
                                  time: Timekeeper = Timekeeper()) throws -> (HTTPServer, LambdaEmulator, String) {
        let runner = LambdaEmulator(template: template, environmentFile: try developmentEnvironmentFile(), executablesDirectory: executables,
                                    log: LambdaLog { _ in }, timekeeper: time)
        let emulator = LambdaInvokeEmulator(runner: runner)
        let server = HTTPServer(port: 0, limits: LambdaInvokeEmulator.serverLimits) { emulator.respond(to: $0) }
        return (server, runner, "http://127.0.0.1:\(try server.start())/2015-03-31/functions")
    }

    private static func developmentEnvironmentFile() throws -> EnvironmentFile {
        try EnvironmentFile.load(DevelopmentEnvironment.root.appendingPathComponent("local-runner/env.json"))
    }
}
