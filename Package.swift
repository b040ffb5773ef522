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
        // SHA-256, HMAC-SHA256, base64url and compact HS256 JWS.
        .target(name: "RaidHubJWT", dependencies: ["RaidHubJSON"]),
        // RaidHub's requests, tokens, envelopes and configuration.
        .target(name: "RaidHubAuth", dependencies: ["RaidHubJWT", "RaidHubJSON"]),

        // The Lambda invocation: handler protocol, Runtime API client and loop, process entry point.
        .target(name: "RaidHubLambda", dependencies: ["RaidHubJSON", "RaidHubHTTP"]),
        // The Runtime API client over URLSession, for functions that prefer it (not the default).
        .target(name: "RaidHubLambdaURLSession", dependencies: ["RaidHubLambda"]),
        // API Gateway's events and answers: HTTP API 2.0, REST 1.0, authorizers.
        .target(name: "RaidHubAPIGateway", dependencies: ["RaidHubJSON"]),
        // HTTP/1.1 on raw bytes: request parsing with limits, response serialisation (local-runner).
        .target(name: "RaidHubHTTP"),
        // The YAML subset of CloudFormation templates, for reading template.yaml (local-runner).
        .target(name: "RaidHubYAML"),
        // local-runner's library: the emulated Runtime API, warm instance pools, Lambda's log lines.
        .target(name: "RaidHubLocalRunner", dependencies: ["RaidHubHTTP", "RaidHubLambda", "RaidHubYAML", "RaidHubJSON"]),
        // The functions' handlers and their process descriptions.
        .target(name: "RaidHubFunctions", dependencies: ["RaidHubAuth", "RaidHubAPIGateway", "RaidHubLambda", "RaidHubJWT"]),

        // Sign in with Bungie.net: the only module that links FoundationNetworking (URLSession).
        .target(name: "RaidHubBungie", dependencies: ["RaidHubFunctions", "RaidHubAuth", "RaidHubJWT", "RaidHubJSON", "RaidHubLambda"]),
        // For users' tests and ours: invoke any handler in-process with an event or a built request.
        .target(name: "RaidHubLambdaTesting", dependencies: ["RaidHubLambda", "RaidHubAPIGateway", "RaidHubJSON"]),

        // One executable per function; each main.swift only starts its FunctionCatalog entry.
        .executableTarget(name: "authorize-user", dependencies: ["RaidHubFunctions"], path: "functions/authorize-user", exclude: ["events"]),
        .executableTarget(name: "authorize-admin", dependencies: ["RaidHubFunctions"], path: "functions/authorize-admin", exclude: ["events"]),
        .executableTarget(name: "authorizer", dependencies: ["RaidHubFunctions"], path: "functions/authorizer", exclude: ["events"]),
        .executableTarget(name: "whoami", dependencies: ["RaidHubFunctions"], path: "functions/whoami", exclude: ["events"]),
        .executableTarget(name: "authorize-bungie", dependencies: ["RaidHubBungie"], path: "functions/authorize-bungie", exclude: ["events"]),
        // Lambda and API Gateway for development, without containers.
        .executableTarget(name: "local-runner", dependencies: ["RaidHubLocalRunner"], path: "local-runner", exclude: ["env.json"]),

        .executableTarget(
            name: "raidhub-benchmarks",
            dependencies: ["RaidHubAuth", "RaidHubJWT", "RaidHubJSON", "RaidHubFunctions", "RaidHubLambda"],
            path: "Benchmarks/raidhub-benchmarks"
        ),

        .target(name: "RaidHubTestSupport", dependencies: ["RaidHubAuth", "RaidHubJWT"], path: "Tests/RaidHubTestSupport"),
        .testTarget(name: "RaidHubJSONTests", dependencies: ["RaidHubJSON", "RaidHubTestSupport"]),
        .testTarget(name: "RaidHubJWTTests", dependencies: ["RaidHubJWT", "RaidHubTestSupport"]),
        .testTarget(name: "RaidHubAuthTests", dependencies: ["RaidHubAuth", "RaidHubTestSupport"]),
        .testTarget(name: "RaidHubLambdaTests", dependencies: ["RaidHubLambda", "RaidHubLambdaURLSession", "RaidHubHTTP"]),
        .testTarget(
            name: "RaidHubBungieTests",
            dependencies: ["RaidHubBungie", "RaidHubHTTP", "RaidHubLambdaTesting", "RaidHubFunctions", "RaidHubAuth", "RaidHubJWT", "RaidHubTestSupport"]),
        .testTarget(name: "RaidHubHTTPTests", dependencies: ["RaidHubHTTP", "RaidHubTestSupport"]),
        .testTarget(name: "RaidHubYAMLTests", dependencies: ["RaidHubYAML", "RaidHubTestSupport"]),
        .testTarget(
            name: "RaidHubLocalRunnerTests",
            dependencies: ["RaidHubLocalRunner", "RaidHubHTTP", "RaidHubYAML", "RaidHubFunctions", "RaidHubBungie", "RaidHubTestSupport", "authorize-user", "authorize-admin", "authorizer", "whoami", "authorize-bungie", "local-runner"]),
        .testTarget(
            name: "RaidHubFunctionsTests",
            dependencies: ["RaidHubFunctions", "RaidHubLambdaTesting", "RaidHubAPIGateway", "RaidHubAuth", "RaidHubJWT", "RaidHubTestSupport"]),
        // Runs the built executables; depending on them makes `swift test` build them first.
        .testTarget(
            name: "FunctionProcessTests",
            dependencies: ["RaidHubAuth", "RaidHubJWT", "RaidHubTestSupport", "authorize-user", "authorize-admin", "authorizer", "whoami", "authorize-bungie"]),

    ]
)
