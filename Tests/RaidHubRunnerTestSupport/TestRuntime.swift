import Foundation
import RaidHubTemplate
import RaidHubYAML

/// Python runtimes written for a test: the Runtime API loop (`/next`, then `/response`) with the
/// test's own lines for each event. They see `answer` (the `/next` response), `event` (its body)
/// and `request_id`, and leave the payload to post in `body` (`{"statusCode":200}` by default).
package enum TestRuntime {
    /// The runtime's source, `handling` run for each event.
    package static func source(_ handling: String, beforeLoop: String = "") -> String {
        let indented = handling.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
        return """
            #!/usr/bin/env python3
            import http.client, json, os, time
            \(beforeLoop)
            host, port = os.environ["AWS_LAMBDA_RUNTIME_API"].split(":")
            connection = http.client.HTTPConnection(host, int(port))
            while True:
                connection.request("GET", "/2018-06-01/runtime/invocation/next")
                answer = connection.getresponse()
                event = answer.read()
                request_id = answer.getheader("Lambda-Runtime-Aws-Request-Id")
                body = b'{"statusCode":200}'
            \(indented)
                connection.request("POST", f"/2018-06-01/runtime/invocation/{request_id}/response", body=body,
                                   headers={"Content-Type": "application/json"})
                connection.getresponse().read()

            """
    }

    /// Python that waits until a file exists at `url`: a runtime's init or handler held until
    /// the test says, so it controls the order of events without timing them.
    package static func waitForFile(_ url: URL) -> String {
        "while not os.path.exists(\"\(url.path)\"):\n    time.sleep(0.005)"
    }

    /// A new folder holding `name`, a runtime that says `took N` for its Nth event and answers it
    /// `{"statusCode":200}` only once the test opens its gate (`open(N, in:)`): the test knows
    /// what the function has, and says when it answers.
    package static func gated(_ name: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try write("""
            taken += 1
            print(f"took {taken}", flush=True)
            while not os.path.exists(os.path.join("\(folder.path)", f"go-{taken}")):
                time.sleep(0.005)
            """, beforeLoop: "taken = 0", to: folder.appendingPathComponent(name))
        return folder
    }

    /// Lets a gated runtime answer its `event`th event.
    package static func open(_ event: Int, in folder: URL) throws {
        try Data().write(to: folder.appendingPathComponent("go-\(event)"))
    }

    /// Writes the runtime as an executable at `url`; returns `url`.
    @discardableResult
    package static func write(_ handling: String, beforeLoop: String = "", to url: URL) throws -> URL {
        try executable(source(handling, beforeLoop: beforeLoop), at: url)
    }

    /// A `/bin/sh` script running `body`, as an executable at `url` (a function that is not a
    /// runtime at all: one that exits, or sleeps); returns `url`.
    @discardableResult
    package static func shell(_ body: String, to url: URL) throws -> URL {
        try executable("#!/bin/sh\n\(body)\n", at: url)
    }

    private static func executable(_ text: String, at url: URL) throws -> URL {
        try Data(text.utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        return url
    }

    /// A new folder holding the runtime as the executable `name` (what a template names).
    package static func folder(_ name: String, handling: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try write(handling, to: folder.appendingPathComponent(name))
        return folder
    }

    /// A runtime in the temporary folder that answers each event after `seconds`.
    package static func sleeping(seconds: Double) throws -> URL {
        try write("time.sleep(\(seconds))", to: FileManager.default.temporaryDirectory.appendingPathComponent("sleeping-\(UUID().uuidString)"))
    }

    /// `Sleeper` at GET /slow (HTTP API) and GET /rest (REST API), run by the gated runtime `sleeper`.
    package static func sleeperTemplate(reserved: Int? = nil, timeoutInMillis: Int? = nil, functionTimeout: Int = 10) throws -> SAMTemplate {
        let integration = timeoutInMillis.map { ", TimeoutInMillis: \($0)" } ?? ""
        let concurrency = reserved.map { "\n      ReservedConcurrentExecutions: \($0)" } ?? ""
        return try SAMTemplate(YAMLReader.read("""
        Resources:
          Sleeper:
            Type: AWS::Serverless::Function
            Metadata: {DockerBuildArgs: {FUNCTION: sleeper}}
            Properties:
              Timeout: \(functionTimeout)\(concurrency)
              Events:
                Http: {Type: HttpApi, Properties: {Path: /slow, Method: GET\(integration)}}
                Rest: {Type: Api, Properties: {Path: /rest, Method: GET\(integration)}}
        """))
    }
}
