// libFuzzer target: any bytes as a SAM template: read as YAML, then as a template (functions,
// routes, authorizers, CORS, globals, intrinsic functions); it is read or refused with an error,
// never a trap; a template read is read the same way twice, its description (what
// `local-runner describe` prints) is JSON our strict parser reads, and every route it holds
// is found again for its own path. Built by scripts/fuzz.sh against the runner's modules.

import Foundation
@testable import RaidHubLocalRunner
import RaidHubJSON
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
    let table = RouteTable(routes: template.routes)
    for route in template.routes where !route.isCatchAll {
        // The route's own path template, taken literally, is a request path it matches, unless
        // a more specific route (a literal one) takes it first: either way some route answers.
        if table.match(method: route.method == "ANY" ? "GET" : route.method, path: route.path) == nil, RouteTable(routes: [route]).match(method: nil, path: route.path) != nil {
            fatalError("\(route.method) \(route.path) matches alone but not among the template's routes")
        }
    }
    return 0
}
