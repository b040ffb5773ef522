import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import RaidHubAuth
import RaidHubJSON
import RaidHubTime

/// Bungie.net's two calls for signing a player in: trade the OAuth code for an access token,
/// then read the player's Destiny memberships with it.
struct BungieClient: Sendable {
    let configuration: BungieConfiguration
    let transport: any BungieTransport
    /// What each call's time left until its deadline is read from.
    let clock: any WallClock

    /// `POST {base}/platform/app/oauth/token/`: the access token and the Bungie.net membership id.
    func exchange(code: String, until deadline: UnixTime) throws(BungieError) -> (accessToken: String, membershipId: MembershipId) {
        var request = URLRequest(url: configuration.baseURL.appendingPathComponent("platform/app/oauth/token/"))
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.setValue(configuration.apiKey.value, forHTTPHeaderField: "X-API-Key")
        let credentials = Data("\(configuration.clientId):\(configuration.clientSecret.value)".utf8).base64EncodedString()
        request.setValue("Basic \(credentials)", forHTTPHeaderField: "Authorization")
        request.httpBody = Data("grant_type=authorization_code&code=\(Self.formEncoded(code))".utf8)
        let (response, object) = try call(request, until: deadline)
        if (400..<500).contains(response.statusCode) {
            // RFC 6749 §5.2: a code that is expired, reused or unknown is invalid_grant.
            throw object?["error"]?.stringValue == "invalid_grant" ? .invalidCode : .service("token endpoint HTTP \(response.statusCode)")
        }
        guard response.statusCode == 200, let object,
              let accessToken = object["access_token"]?.stringValue, !accessToken.isEmpty,
              let idText = object["membership_id"]?.stringValue, case .success(let membershipId) = MembershipId.parse(idText)
        else { throw .service("token endpoint answered malformed") }
        return (accessToken, membershipId)
    }

    /// `GET {base}/Platform/User/GetMembershipsForCurrentUser/`: the Destiny membership ids.
    func destinyMemberships(accessToken: String, until deadline: UnixTime) throws(BungieError) -> [MembershipId] {
        var request = URLRequest(url: configuration.baseURL.appendingPathComponent("Platform/User/GetMembershipsForCurrentUser/"))
        request.setValue(configuration.apiKey.value, forHTTPHeaderField: "X-API-Key")
        request.setValue("Bearer \(accessToken)", forHTTPHeaderField: "Authorization")
        let (response, object) = try call(request, until: deadline)
        guard let object else { throw .service("memberships HTTP \(response.statusCode), malformed") }
        let status = object["ErrorStatus"]?.stringValue ?? "HTTP \(response.statusCode)"
        guard case .number(let code)? = object["ErrorCode"], code.int64Value == 1, response.statusCode == 200 else {
            throw .service(status)
        }
        guard let memberships = object["Response"]?.objectValue?["destinyMemberships"]?.arrayValue else {
            throw .service("memberships answered malformed")
        }
        var ids: [MembershipId] = []
        for membership in memberships {
            guard let text = membership.objectValue?["membershipId"]?.stringValue, case .success(let id) = MembershipId.parse(text) else {
                throw .service("memberships answered malformed")
            }
            if !ids.contains(id) { ids.append(id) }
        }
        return ids
    }

    /// One call: throttling (HTTP 429, or `ThrottleSeconds` in Bungie's envelope) and server
    /// failures are recognised here; the body is read strictly, nil when it is not JSON.
    private func call(_ request: URLRequest, until deadline: UnixTime) throws(BungieError) -> (HTTPURLResponse, JSONObject?) {
        let response: HTTPURLResponse
        let data: Data
        switch transport.send(request, timeout: Double(deadline.milliseconds - clock.now().milliseconds) / 1000) {
        case .success(let answer): (response, data) = answer
        case .failure(.timedOut): throw .service("TimedOut")
        case .failure(.failed): throw .service("Unreachable")
        }
        let object = (try? JSONParser.parse(Array(data)))?.objectValue
        if case .number(let throttle)? = object?["ThrottleSeconds"], let seconds = throttle.int64Value, seconds > 0 {
            throw .throttled(seconds: Int(min(seconds, 3600)))
        }
        if response.statusCode == 429 {
            let retryAfter = (response.value(forHTTPHeaderField: "Retry-After")).flatMap { Int($0) } ?? 1
            throw .throttled(seconds: max(1, min(retryAfter, 3600)))
        }
        if response.statusCode >= 500 { throw .service(object?["ErrorStatus"]?.stringValue ?? "HTTP \(response.statusCode)") }
        return (response, object)
    }

    /// `application/x-www-form-urlencoded`: everything but unreserved characters percent-encoded.
    static func formEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}
