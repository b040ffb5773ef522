import Foundation
import RaidHubHTTP
import RaidHubHTTPServer

/// Bungie.net's two endpoints on loopback, answering as each test scripts, and recording what
/// they were sent.
final class FakeBungie: @unchecked Sendable {
    struct Answer {
        var status = 200
        var headers: [HTTPField] = [HTTPField(name: "Content-Type", value: "application/json")]
        var body = ""
        var delaySeconds: Double = 0
    }

    private let lock = NSLock()
    private var recorded: [HTTPRequest] = []
    var tokenAnswer = Answer(body: #"{"access_token":"bungie-access-token-SECRET","token_type":"Bearer","expires_in":3600,"refresh_token":"bungie-refresh-SECRET","membership_id":"12345678"}"#)
    var membershipsAnswer = Answer(body: FakeBungie.memberships(["4611686018488107374", "4611686018488107375"]))
    private var server: HTTPServer?
    private(set) var baseURL = ""

    static func memberships(_ ids: [String]) -> String {
        let list = ids.map { #"{"membershipType":3,"membershipId":"\#($0)","displayName":"Guardian"}"# }.joined(separator: ",")
        return #"{"Response":{"destinyMemberships":[\#(list)],"bungieNetUser":{"membershipId":"12345678"}},"ErrorCode":1,"ThrottleSeconds":0,"ErrorStatus":"Success","Message":"Ok","MessageData":{}}"#
    }

    init() throws {
        let server = HTTPServer(port: 0) { [unowned self] request in answer(request) }
        baseURL = "http://127.0.0.1:\(try server.start())"
        self.server = server
    }

    deinit { server?.stop() }

    var requests: [HTTPRequest] { lock.withLock { recorded } }

    private func answer(_ request: HTTPRequest) -> HTTPResponse {
        lock.withLock { recorded.append(request) }
        let scripted: Answer
        switch request.path {
        case "/platform/app/oauth/token/": scripted = lock.withLock { tokenAnswer }
        case "/Platform/User/GetMembershipsForCurrentUser/": scripted = lock.withLock { membershipsAnswer }
        default: return HTTPResponse(status: 404)
        }
        if scripted.delaySeconds > 0 { Thread.sleep(forTimeInterval: scripted.delaySeconds) }
        return HTTPResponse(status: scripted.status, headers: scripted.headers, body: Array(scripted.body.utf8))
    }
}
