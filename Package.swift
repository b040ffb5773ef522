// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "raidhub-auth",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "RaidHubJSON", targets: ["RaidHubJSON"]),
        .library(name: "RaidHubJWT", targets: ["RaidHubJWT"]),
        .library(name: "RaidHubAuth", targets: ["RaidHubAuth"]),
    ],
    targets: [
        // Strict JSON reading (duplicate keys detected) and compact JSON writing.
        .target(name: "RaidHubJSON"),
        // SHA-256, HMAC-SHA256, base64url and compact HS256 JWS.
        .target(name: "RaidHubJWT", dependencies: ["RaidHubJSON"]),
        // RaidHub's requests, tokens, envelopes and configuration.
        .target(name: "RaidHubAuth", dependencies: ["RaidHubJWT", "RaidHubJSON"]),

        .executableTarget(
            name: "raidhub-benchmarks",
            dependencies: ["RaidHubAuth", "RaidHubJWT", "RaidHubJSON"],
            path: "Benchmarks/raidhub-benchmarks"
        ),

        .target(name: "RaidHubTestSupport", path: "Tests/RaidHubTestSupport"),
        .testTarget(name: "RaidHubJSONTests", dependencies: ["RaidHubJSON", "RaidHubTestSupport"]),
        .testTarget(name: "RaidHubJWTTests", dependencies: ["RaidHubJWT", "RaidHubTestSupport"]),
        .testTarget(name: "RaidHubAuthTests", dependencies: ["RaidHubAuth", "RaidHubTestSupport"]),
    ]
)
