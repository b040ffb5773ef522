// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "raidhub-auth",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "RaidHubJSON", targets: ["RaidHubJSON"]),
        .library(name: "RaidHubJWT", targets: ["RaidHubJWT"]),
        .library(name: "RaidHubAuth", targets: ["RaidHubAuth"]),
        .library(name: "RaidHubLambda", targets: ["RaidHubLambda"]),
        .library(name: "RaidHubLambdaURLSession", targets: ["RaidHubLambdaURLSession"]),
        .library(name: "RaidHubAPIGateway", targets: ["RaidHubAPIGateway"]),
        .library(name: "RaidHubFunctions", targets: ["RaidHubFunctions"]),
        .library(name: "RaidHubLambdaTesting", targets: ["RaidHubLambdaTesting"]),
        .library(name: "RaidHubBungie", targets: ["RaidHubBungie"]),
        .executable(name: "authorize-user", targets: ["authorize-user"]),
        .executable(name: "authorize-admin", targets: ["authorize-admin"]),
        .executable(name: "authorizer", targets: ["authorizer"]),
        .executable(name: "whoami", targets: ["whoami"]),
        .executable(name: "authorize-bungie", targets: ["authorize-bungie"]),
        .executable(name: "local-runner", targets: ["local-runner"]),
    ],
    targets: [
        // Strict JSON reading (duplicate keys detected) and compact JSON writing.
        .target(name: "RaidHubJSON"),
        // Instants, the wall clock and their ISO 8601 form: token times and log timestamps.
        .target(name: "RaidHubTime"),
        // SHA-256, HMAC-SHA256, base64url and compact HS256 JWS.
        .target(name: "RaidHubJWT", dependencies: ["RaidHubJSON"]),
        // RaidHub's requests, tokens, envelopes and configuration.
        .target(name: "RaidHubAuth", dependencies: ["RaidHubJWT", "RaidHubJSON", "RaidHubTime"]),

        // The Lambda invocation: handler protocol, Runtime API client and loop, process entry point.
        .target(name: "RaidHubLambda", dependencies: ["RaidHubJSON", "RaidHubHTTP", "RaidHubTime"]),
        // The Runtime API client over URLSession, for functions that prefer it (not the default).
        .target(name: "RaidHubLambdaURLSession", dependencies: ["RaidHubLambda"]),
        // API Gateway's events and answers: HTTP API 2.0, REST 1.0, authorizers.
        .target(name: "RaidHubAPIGateway", dependencies: ["RaidHubJSON"]),
        // HTTP/1.1 on raw bytes: request and response parsing with limits, serialisation, and the
        // blocking client the functions reach the Runtime API with.
        .target(name: "RaidHubHTTP"),
        // The HTTP/1.1 server on POSIX sockets: local-runner's (and tests'), never a function's.
        .target(name: "RaidHubHTTPServer", dependencies: ["RaidHubHTTP", "CLinuxEvents", "CLinuxThreads"]),
        // epoll and eventfd, which Swift's Glibc module does not import.
        .target(name: "CLinuxEvents"),
        // Naming threads (pthread_setname_np), for the server's and the runner's threads.
        .target(name: "CLinuxThreads"),
        // posix_spawn with a process group and a clean descriptor table, and pidfds: the runner's
        // child processes (a module of its own: nothing else compiles it).
        .target(name: "CLinuxSpawn"),
        // The YAML subset of CloudFormation templates, for reading template.yaml (local-runner).
        .target(name: "RaidHubYAML"),
        // local-runner's rooms, each on the ones before it (ARCHITECTURE.md):
        // What Lambda's and API Gateway's emulations share: the runner's time and alarms, its log
        // lines, request ids and the account, how an invocation ended.
        .target(name: "RaidHubEmulation", dependencies: ["RaidHubLambda", "CLinuxThreads"]),
        // The SAM template and the env file: the model and reading it.
        .target(name: "RaidHubTemplate", dependencies: ["RaidHubEmulation", "RaidHubYAML", "RaidHubJSON", "RaidHubLambda"]),
        // Processes the runner starts: posix_spawn in a group of their own, exits seen through pidfds.
        .target(name: "RaidHubChildProcess", dependencies: ["CLinuxSpawn", "CLinuxEvents", "CLinuxThreads", "RaidHubHTTPServer"]),
        // Lambda: functions behind emulated Runtime APIs (pools, instances), the Invoke API, Lambda's log lines.
        .target(name: "RaidHubLambdaEmulator", dependencies: [
            "RaidHubTemplate", "RaidHubEmulation", "RaidHubChildProcess", "RaidHubHTTP", "RaidHubHTTPServer", "CLinuxEvents", "CLinuxThreads", "RaidHubLambda", "RaidHubJSON", "RaidHubTime"]),
        // API Gateway: routes, events, authorizers and their cache, CORS, answers. Values in and
        // out, no sockets: it reaches Lambda through `LambdaIntegration`.
        .target(name: "RaidHubAPIGatewayEmulator", dependencies: ["RaidHubTemplate", "RaidHubEmulation", "RaidHubHTTP", "RaidHubJSON"]),
        // The command line on top: options, the commands, watch mode, the fake Bungie.net.
        .target(name: "RaidHubLocalRunner", dependencies: [
            "RaidHubAPIGatewayEmulator", "RaidHubLambdaEmulator", "RaidHubTemplate", "RaidHubEmulation", "RaidHubChildProcess",
            "RaidHubHTTP", "RaidHubHTTPServer", "CLinuxEvents", "RaidHubJSON"]),
        // The functions' handlers and their process descriptions.
        .target(name: "RaidHubFunctions", dependencies: ["RaidHubAuth", "RaidHubAPIGateway", "RaidHubLambda", "RaidHubJWT", "RaidHubJSON", "RaidHubTime"]),

        // Sign in with Bungie.net: the only module that links FoundationNetworking (URLSession).
        .target(name: "RaidHubBungie", dependencies: ["RaidHubFunctions", "RaidHubAuth", "RaidHubJWT", "RaidHubJSON", "RaidHubLambda", "RaidHubTime"]),
        // For users' tests and ours: invoke any handler in-process with an event or a built request.
        .target(name: "RaidHubLambdaTesting", dependencies: ["RaidHubLambda", "RaidHubAPIGateway", "RaidHubJSON", "RaidHubHTTP", "RaidHubHTTPServer"]),

        // One executable per function; each main.swift only starts its FunctionCatalog entry.
        // The token functions link only the standard library and Glibc, so each is built as a
        // fully static executable: the binary is the whole function (no loader, no .so files).
        tokenFunction("authorize-user"),
        tokenFunction("authorize-admin"),
        tokenFunction("authorizer"),
        tokenFunction("whoami"),
        .executableTarget(name: "authorize-bungie", dependencies: ["RaidHubBungie"], path: "functions/authorize-bungie", exclude: ["events"]),
        // Lambda and API Gateway for development, without containers.
        .executableTarget(name: "local-runner", dependencies: ["RaidHubLocalRunner"], path: "local-runner", exclude: ["env.json"]),

        .executableTarget(
            name: "raidhub-benchmarks",
            dependencies: ["RaidHubAuth", "RaidHubJWT", "RaidHubJSON", "RaidHubFunctions", "RaidHubLambda", "RaidHubTime", "RaidHubHTTP", "RaidHubLambdaTesting", "RaidHubLambdaURLSession"],
            path: "Benchmarks/raidhub-benchmarks"
        ),

        .target(name: "RaidHubTestSupport", dependencies: ["RaidHubAuth", "RaidHubJWT", "RaidHubTime"], path: "Tests/RaidHubTestSupport"),
        .testTarget(name: "RaidHubTimeTests", dependencies: ["RaidHubTime", "RaidHubTestSupport"]),
        .testTarget(name: "RaidHubJSONTests", dependencies: ["RaidHubJSON", "RaidHubTestSupport"]),
        .testTarget(name: "RaidHubJWTTests", dependencies: ["RaidHubJWT", "RaidHubJSON", "RaidHubTestSupport"]),
        .testTarget(name: "RaidHubAuthTests", dependencies: ["RaidHubAuth", "RaidHubJWT", "RaidHubTime", "RaidHubTestSupport"]),
        .testTarget(name: "RaidHubLambdaTests", dependencies: ["RaidHubLambda", "RaidHubLambdaURLSession", "RaidHubHTTP", "RaidHubHTTPServer", "RaidHubTime"]),
        .testTarget(
            name: "RaidHubBungieTests",
            dependencies: ["RaidHubBungie", "RaidHubHTTP", "RaidHubHTTPServer", "RaidHubLambdaTesting", "RaidHubFunctions", "RaidHubAuth", "RaidHubJWT", "RaidHubTime", "RaidHubTestSupport"]),
        .testTarget(name: "RaidHubHTTPTests", dependencies: ["RaidHubHTTP", "RaidHubHTTPServer", "RaidHubTestSupport"]),
        .testTarget(name: "RaidHubYAMLTests", dependencies: ["RaidHubYAML", "RaidHubTestSupport"]),
        // What the runner's suites share: runtimes written for a test, an HTTP client, the Lambda
        // emulator and its Invoke API on loopback, the runner started as a process. It imports
        // Testing (to wait with #expect): build release products by --product.
        .target(
            name: "RaidHubRunnerTestSupport",
            dependencies: ["RaidHubLambdaEmulator", "RaidHubTemplate", "RaidHubEmulation", "RaidHubHTTPServer", "RaidHubYAML", "RaidHubTestSupport"],
            path: "Tests/RaidHubRunnerTestSupport"),
        .testTarget(
            name: "RaidHubTemplateTests",
            dependencies: ["RaidHubTemplate", "RaidHubLambdaEmulator", "RaidHubYAML", "RaidHubFunctions", "RaidHubBungie", "RaidHubTestSupport"]),
        .testTarget(
            name: "RaidHubAPIGatewayEmulatorTests",
            dependencies: ["RaidHubAPIGatewayEmulator", "RaidHubEmulation", "RaidHubTemplate", "RaidHubHTTP", "RaidHubJSON", "RaidHubYAML", "RaidHubTestSupport"]),
        .testTarget(
            name: "RaidHubLambdaEmulatorTests",
            dependencies: ["RaidHubLambdaEmulator", "RaidHubEmulation", "RaidHubTemplate", "RaidHubChildProcess", "RaidHubHTTPServer", "RaidHubYAML", "RaidHubTestSupport", "RaidHubRunnerTestSupport",
                           "authorize-user", "authorize-admin", "authorizer", "whoami", "authorize-bungie"]),
        .testTarget(
            name: "RaidHubLocalRunnerTests",
            dependencies: ["RaidHubLocalRunner", "RaidHubAPIGatewayEmulator", "RaidHubLambdaEmulator", "RaidHubTemplate", "RaidHubEmulation", "RaidHubHTTP", "RaidHubHTTPServer", "RaidHubYAML", "RaidHubTestSupport", "RaidHubRunnerTestSupport", "authorize-user", "authorize-admin", "authorizer", "whoami", "authorize-bungie", "local-runner"]),
        .testTarget(
            name: "RaidHubFunctionsTests",
            dependencies: ["RaidHubFunctions", "RaidHubLambdaTesting", "RaidHubAPIGateway", "RaidHubAuth", "RaidHubJWT", "RaidHubJSON", "RaidHubLambda", "RaidHubTime", "RaidHubTestSupport"]),
        // Runs the built executables; depending on them makes `swift test` build them first.
        .testTarget(
            name: "FunctionProcessTests",
            dependencies: ["RaidHubAuth", "RaidHubJWT", "RaidHubLambdaTesting", "RaidHubTestSupport", "authorize-user", "authorize-admin", "authorizer", "whoami", "authorize-bungie"]),

    ]
)

/// A token function's executable: `functions/NAME/main.swift`, linked in release builds as a
/// fully static executable (glibc's static libraries come with `libc6-dev` on Debian,
/// `glibc-static` on Amazon Linux). Debug builds stay dynamic: the test bundle links the
/// executables' modules, and a linker flag given here reaches that link too.
func tokenFunction(_ name: String) -> Target {
    .executableTarget(
        name: name, dependencies: ["RaidHubFunctions"], path: "functions/\(name)", exclude: ["events"],
        linkerSettings: [.unsafeFlags(["-static-executable"], .when(configuration: .release))])
}
