import Foundation
import RaidHubAPIGatewayEmulator
import RaidHubHTTPServer
import RaidHubLambdaEmulator
import RaidHubLocalRunner
import RaidHubRunnerTestSupport
import RaidHubTemplate
import RaidHubTestSupport

/// `start-api` served in the test's own process as `local-runner` serves it: API Gateway over
/// a Lambda emulator, answers deferred to the function's loop, on a free loopback port.
enum StartAPIServer {
    /// Over `template`'s functions in `executables`: the server, the Lambda emulator behind it
    /// (to shut down) and the base URL.
    static func start(_ template: SAMTemplate, executables: URL = FunctionExecutable.directory) throws -> (HTTPServer, LambdaEmulator, String) {
        let runner = try RunnerServers.lambdaEmulator(template, executables: executables)
        let (server, port) = try start(over: runner)
        return (server, runner, "http://127.0.0.1:\(port)")
    }

    /// Over a Lambda emulator the test set up itself.
    static func start(over runner: LambdaEmulator) throws -> (HTTPServer, UInt16) {
        final class Late: @unchecked Sendable { var emulator: APIGatewayEmulator? }
        let late = Late()
        let server = HTTPServer(port: 0) { request, responder in late.emulator!.respond(to: request, whenCallerLeaves: responder.onClientGone) { responder.respond($0) } }
        let port = try server.start()  // the emulator needs the bound port, known only now
        late.emulator = APIGatewayEmulator(runner: runner, host: "127.0.0.1:\(port)")
        return (server, port)
    }
}
