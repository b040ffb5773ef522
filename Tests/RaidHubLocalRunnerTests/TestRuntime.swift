import Foundation

/// Python runtimes written for a test: the Runtime API loop (`/next`, then `/response`) with the
/// test's own lines for each event. They see `answer` (the `/next` response), `event` (its body)
/// and `request_id`, and leave the payload to post in `body` (`{"statusCode":200}` by default).
enum TestRuntime {
    /// The runtime's source, `handling` run for each event.
    static func source(_ handling: String, beforeLoop: String = "") -> String {
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

    /// Writes the runtime as an executable at `url`; returns `url`.
    @discardableResult
    static func write(_ handling: String, beforeLoop: String = "", to url: URL) throws -> URL {
        try executable(source(handling, beforeLoop: beforeLoop), at: url)
    }

    /// A `/bin/sh` script running `body`, as an executable at `url` (a function that is not a
    /// runtime at all: one that exits, or sleeps); returns `url`.
    @discardableResult
    static func shell(_ body: String, to url: URL) throws -> URL {
        try executable("#!/bin/sh\n\(body)\n", at: url)
    }

    private static func executable(_ text: String, at url: URL) throws -> URL {
        try Data(text.utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        return url
    }

    /// A new folder holding the runtime as the executable `name` (what a template names).
    static func folder(_ name: String, handling: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try write(handling, to: folder.appendingPathComponent(name))
        return folder
    }

    /// A runtime in the temporary folder that answers each event after `seconds`.
    static func sleeping(seconds: Double) throws -> URL {
        try write("time.sleep(\(seconds))", to: FileManager.default.temporaryDirectory.appendingPathComponent("sleeping-\(UUID().uuidString)"))
    }
}
