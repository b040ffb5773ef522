import Foundation
import RaidHubAPIGatewayEmulator
import RaidHubHTTP

/// `local-runner fake-bungie`: Bungie.net's two endpoints that sign-in uses (the OAuth token
/// exchange and the player's memberships), answered on loopback with made-up players, so the
/// whole sign-in can be tried without a Bungie application. Development only: it checks the
/// shape of each request, not its credentials.
///
/// The authorization code picks the player: digits are its Bungie.net membership id (any other
/// code is player 12345678), and `invalid` is refused as Bungie refuses an expired code.
public struct FakeBungieNet: Sendable {
    /// The player a non-numeric code signs in.
    static let defaultPlayer = "12345678"

    /// A fake Bungie.net.
    public init() {}

    /// The answer to one request.
    public func respond(to request: HTTPRequest) -> HTTPResponse {
        let json = HTTPField(name: "Content-Type", value: "application/json")
        guard request.header("x-api-key")?.isEmpty == false else {
            return HTTPResponse(status: 401, headers: [json], body: Array(Self.platformError("ApiKeyMissingFromRequest", code: 2101).utf8))
        }
        switch (request.method, request.path) {
        case ("POST", "/platform/app/oauth/token/"):
            let form = Dictionary(GatewayEvent.formFields(String(decoding: request.body, as: UTF8.self))) { $1 }
            guard request.header("authorization")?.hasPrefix("Basic ") == true, form["grant_type"] == "authorization_code", let code = form["code"], !code.isEmpty else {
                return HTTPResponse(status: 400, headers: [json], body: Array(#"{"error":"invalid_request","error_description":"grant_type, code and client credentials are required"}"#.utf8))
            }
            guard code != "invalid" else {
                return HTTPResponse(status: 400, headers: [json], body: Array(#"{"error":"invalid_grant","error_description":"AuthorizationCodeInvalid"}"#.utf8))
            }
            let player = code.allSatisfy(\.isASCII) && code.allSatisfy(\.isNumber) && code.count <= 19 ? code : Self.defaultPlayer
            return HTTPResponse(status: 200, headers: [json], body: Array(
                #"{"access_token":"fake-access-token-\#(player)","token_type":"Bearer","expires_in":3600,"refresh_token":"fake-refresh-token","refresh_expires_in":7776000,"membership_id":"\#(player)"}"#.utf8))
        case ("GET", "/Platform/User/GetMembershipsForCurrentUser/"):
            guard let token = request.header("authorization"), token.hasPrefix("Bearer fake-access-token-") else {
                return HTTPResponse(status: 401, headers: [json], body: Array(Self.platformError("WebAuthRequired", code: 99).utf8))
            }
            let player = token.dropFirst("Bearer fake-access-token-".count)
            let destiny = ["4611686018488107374", "4611686018488107375"]
            let list = destiny.map { #"{"membershipType":3,"membershipId":"\#($0)","displayName":"Guardian\#(player.suffix(4))"}"# }.joined(separator: ",")
            return HTTPResponse(status: 200, headers: [json], body: Array(
                #"{"Response":{"destinyMemberships":[\#(list)],"bungieNetUser":{"membershipId":"\#(player)"}},"ErrorCode":1,"ThrottleSeconds":0,"ErrorStatus":"Success","Message":"Ok","MessageData":{}}"#.utf8))
        default:
            return HTTPResponse(status: 404, headers: [json], body: Array(Self.platformError("NotFound", code: 2).utf8))
        }
    }

    private static func platformError(_ status: String, code: Int) -> String {
        #"{"ErrorCode":\#(code),"ThrottleSeconds":0,"ErrorStatus":"\#(status)","Message":"\#(status)","MessageData":{}}"#
    }
}
