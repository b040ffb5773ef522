// libFuzzer target: any bytes as a SAM template: read as YAML, then as a template (functions,
// routes, authorizers, CORS, globals, intrinsic functions); it is read or refused with an error,
// never a trap; a template read is read the same way twice, its description (what
// `local-runner describe` prints) is JSON our strict parser reads, and route matching over
// its routes runs without a trap. Built by scripts/fuzz.sh against the runner's modules.

import Foundation
@testable import RaidHubAPIGatewayEmulator
import RaidHubJSON
@testable import RaidHubTemplate
import RaidHubYAML

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let node = try? YAMLReader.read(text), let template = try? SAMTemplate(node) else { return 0 }
    if (try? SAMTemplate(node)) != template { fatalError("the same template read differently twice") }
    do {
        _ = try JSONParser.parse(template.descriptionJSON)
    } catch {
        fatalError("the description is not JSON: \(error)")
    }
    // Route ranking over the template's own routes, for traps: each route's path with its
    // variables filled in is asked for (some route answers it: at least that one).
    let table = RouteTable(routes: template.routes)
    for route in template.routes where !route.isCatchAll {
        let path = route.path.split(separator: "/", omittingEmptySubsequences: false).map { $0.hasPrefix("{") ? "v" : String($0) }.joined(separator: "/")
        _ = table.match(method: route.method == "ANY" ? "GET" : route.method, path: path)
        _ = table.match(method: nil, path: path)
    }
    return 0
}
