import Foundation
import RaidHubHTTP

/// `--static-dir`: files a GET or HEAD may fetch when no route matches, as `sam local start-api`
/// serves its `public` folder at `/`. Nothing outside the folder is ever read.
struct StaticFiles: Sendable {
    let root: URL

    init(_ root: URL) {
        self.root = root.standardizedFileURL
    }

    /// The file at the request's path, or nil (then the gateway's 404).
    func answer(_ request: HTTPRequest) -> HTTPResponse? {
        guard request.method == "GET" || request.method == "HEAD" else { return nil }
        // Decoded before it is checked, so "%2e%2e" is a ".." too; hidden files are never served.
        let relative = request.path.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        guard !relative.contains(where: { $0.hasPrefix(".") || $0.contains("/") }) else { return nil }
        var file = relative.reduce(root) { $0.appendingPathComponent($1) }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: file.path, isDirectory: &isDirectory), isDirectory.boolValue {
            file = file.appendingPathComponent("index.html")
        }
        guard file.standardizedFileURL.path.hasPrefix(root.path + "/"), let data = FileManager.default.contents(atPath: file.path) else { return nil }
        return HTTPResponse(status: 200, headers: [HTTPField(name: "Content-Type", value: Self.contentType(file.pathExtension))], body: Array(data))
    }

    private static func contentType(_ fileExtension: String) -> String {
        switch fileExtension.lowercased() {
        case "html", "htm": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js", "mjs": "text/javascript; charset=utf-8"
        case "json": "application/json"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "jpg", "jpeg": "image/jpeg"
        case "ico": "image/x-icon"
        case "txt": "text/plain; charset=utf-8"
        default: "application/octet-stream"
        }
    }
}
