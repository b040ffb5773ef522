import Foundation
import RaidHubAPIGateway
import RaidHubAuth
import RaidHubFunctions
import RaidHubJSON
import RaidHubJWT
import RaidHubLambda
import RaidHubLambdaTesting
import RaidHubTestSupport
import RaidHubTime
import Testing

@Suite struct AuthorizerFunctionTests {
    static let secret = "authorizer-tests-jwt-secret-0123456789abcdef"
    static let now = UnixTime(seconds: 1_709_508_600)
    static let keys = try! JWTKeySet(environment: ["JWT_SECRET": secret])
    let authorizer = LambdaTestClient(try! AuthorizerFunction(
        environment: ["JWT_SECRET": secret, "ADMIN_ROUTE_PREFIXES": "/admin, /internal/", "OPTIONAL_AUTH_ROUTE_PREFIXES": "/player, /admin/public"],
        clock: FixedWallClock(now)))

    static func token(admin: Bool = false, issuedAt: Int64 = 1_709_508_600) -> String {
        let id = MembershipId(12_345)!
        let claims: RaidHubClaims = admin ? .admin(bungieMembershipId: id, issuedAt: issuedAt)
            : .user(bungieMembershipId: id, destinyMembershipIds: [MembershipId(1)!, MembershipId(2)!], issuedAt: issuedAt)
        return RaidHubTokenIssuer(keys: keys).mint(claims).value
    }

    func httpEvent(path: String, headers: [String: String]) -> [UInt8] {
        let headerJSON = headers.map { #""\#($0.key)":"\#($0.value)""# }.joined(separator: ",")
        return Array(#"{"version":"2.0","type":"REQUEST","routeArn":"arn:aws:execute-api:us-east-1:1:api/$default/GET\#(path)","routeKey":"GET \#(path)","rawPath":"\#(path)","headers":{\#(headerJSON)}}"#.utf8)
    }

    func decision(_ event: [UInt8]) throws -> InvocationOutcome { try authorizer.invoke(event).outcome }

    @Test(arguments: ["Bearer", "bearer", "BEARER", "BeArEr"])
    func acceptsTheBearerSchemeInAnyCase(scheme: String) throws {
        let output = try authorizer.invoke(httpEvent(path: "/players", headers: ["authorization": "\(scheme) \(Self.token())"]))
        #expect(output.outcome == .authorization(allowed: true, reason: nil))
        #expect(String(decoding: output.payload, as: UTF8.self)
            == #"{"isAuthorized":true,"context":{"bungieMembershipId":"12345","isAdmin":false,"destinyMembershipIds":"1,2"}}"#)
    }

    @Test func readsTheRaidHubHeaderBareOrBearer() throws {
        for value in [Self.token(), "Bearer \(Self.token())"] {
            #expect(try decision(httpEvent(path: "/players", headers: ["x-raidhub-user-authorization": value])) == .authorization(allowed: true, reason: nil))
        }
        // Another scheme in Authorization does not hide the RaidHub header.
        #expect(try decision(httpEvent(path: "/players", headers: ["authorization": "Basic dXNlcjpwYXNz", "x-raidhub-user-authorization": Self.token()]))
            == .authorization(allowed: true, reason: nil))
    }

    @Test(arguments: [
        ([String: String](), "no bearer token"),
        (["authorization": "Basic dXNlcjpwYXNz"], "malformed authorization header"),
        (["authorization": "Bearer"], "malformed authorization header"),
        (["authorization": "Bearer a b"], "malformed authorization header"),
        (["authorization": "eyJhbGciOi"], "malformed authorization header"),
        (["authorization": "Bearer x.y.z"], "payload: length is not a possible base64url length"),
    ])
    func deniesWithAReasonForTheLog(headers: [String: String], reason: String) throws {
        let output = try authorizer.invoke(httpEvent(path: "/players", headers: headers))
        #expect(output.outcome == .authorization(allowed: false, reason: reason))
        #expect(String(decoding: output.payload, as: UTF8.self) == #"{"isAuthorized":false}"#)
    }

    /// RaidHub's optional-auth routes: no token at all is fine (an anonymous context with the
    /// same keys), a present but bad one is not; other routes still need a token.
    @Test func admitsAnAnonymousCallerOnlyOnOptionalAuthRoutes() throws {
        let anonymous = #"{"isAuthorized":true,"context":{"bungieMembershipId":"","isAdmin":false,"destinyMembershipIds":""}}"#
        for headers in [[:], ["authorization": ""], ["x-raidhub-user-authorization": "  "]] {
            for path in ["/player", "/player/4611686018488107374/profile"] {
                let output = try authorizer.invoke(httpEvent(path: path, headers: headers))
                #expect(output.outcome == .authorization(allowed: true, reason: nil), "\(path) \(headers)")
                #expect(String(decoding: output.payload, as: UTF8.self) == anonymous)
            }
            #expect(try decision(httpEvent(path: "/players", headers: headers)) == .authorization(allowed: false, reason: "no bearer token"))
        }
        // A token on an optional route is read as anywhere else.
        #expect(try decision(httpEvent(path: "/player/1", headers: ["x-raidhub-user-authorization": Self.token()])) == .authorization(allowed: true, reason: nil))
        for (headers, reason) in [
            (["authorization": "Bearer x.y.z"], "payload: length is not a possible base64url length"),
            (["authorization": "Basic dXNlcjpwYXNz"], "malformed authorization header"),
            (["x-raidhub-user-authorization": "Bearer a b"], "malformed authorization header"),
        ] {
            #expect(try decision(httpEvent(path: "/player/1", headers: headers)) == .authorization(allowed: false, reason: reason))
        }
        let expiredAdmin = Self.token(admin: true, issuedAt: Self.now.seconds - 2 * 3600)
        #expect(try decision(httpEvent(path: "/player/1", headers: ["authorization": "Bearer \(expiredAdmin)"])) == .authorization(allowed: false, reason: "token has expired"))
    }

    @Test func anAdminRouteWinsOverAnOptionalOne() throws {
        #expect(try decision(httpEvent(path: "/admin/public/x", headers: [:])) == .authorization(allowed: false, reason: "no bearer token"))
        #expect(try decision(httpEvent(path: "/admin/public/x", headers: ["authorization": "Bearer \(Self.token())"]))
            == .authorization(allowed: false, reason: "admin route, token is not an admin's"))
    }

    /// REST APIs may cache a policy for the whole stage, so an anonymous policy allows only the
    /// optional-auth routes and still denies the admin ones.
    @Test func anAnonymousRESTPolicyCoversOnlyOptionalAuthRoutes() throws {
        let event = #"{"type":"REQUEST","methodArn":"arn:aws:execute-api:us-east-1:1:api/prod/GET/player/1","path":"/player/1","headers":{}}"#
        let output = try authorizer.invoke(Array(event.utf8))
        #expect(String(decoding: output.payload, as: UTF8.self) == """
            {"principalId":"anonymous","policyDocument":{"Version":"2012-10-17","Statement":[\
            {"Action":"execute-api:Invoke","Effect":"Allow","Resource":["arn:aws:execute-api:us-east-1:1:api/prod/*/player","arn:aws:execute-api:us-east-1:1:api/prod/*/player/*",\
            "arn:aws:execute-api:us-east-1:1:api/prod/*/admin/public","arn:aws:execute-api:us-east-1:1:api/prod/*/admin/public/*"]},\
            {"Action":"execute-api:Invoke","Effect":"Deny","Resource":["arn:aws:execute-api:us-east-1:1:api/prod/*/admin","arn:aws:execute-api:us-east-1:1:api/prod/*/admin/*",\
            "arn:aws:execute-api:us-east-1:1:api/prod/*/internal","arn:aws:execute-api:us-east-1:1:api/prod/*/internal/*"]}]},\
            "context":{"bungieMembershipId":"","isAdmin":false,"destinyMembershipIds":""}}
            """)
    }

    @Test(arguments: [
        ("/admin", false), ("/admin/users", false), ("/internal", false), ("/internal/x/y", false),
        ("/administrators", true), ("/players/admin", true), ("/", true),
    ])
    func guardsAdminRoutesByPathPrefix(path: String, allowedForUsers: Bool) throws {
        let user = try decision(httpEvent(path: path, headers: ["authorization": "Bearer \(Self.token())"]))
        #expect(user == .authorization(allowed: allowedForUsers, reason: allowedForUsers ? nil : "admin route, token is not an admin's"))
        let admin = try decision(httpEvent(path: path, headers: ["authorization": "Bearer \(Self.token(admin: true))"]))
        #expect(admin == .authorization(allowed: true, reason: nil))
    }

    @Test func usesTheRouteKeyNotAStagePrefixedPath() throws {
        let event = #"{"version":"2.0","type":"REQUEST","routeArn":"arn:aws:execute-api:us-east-1:1:api/prod/GET/admin/x","routeKey":"GET /admin/{proxy+}","rawPath":"/prod/admin/x","headers":{"authorization":"Bearer \#(Self.token())"}}"#
        #expect(try decision(Array(event.utf8)) == .authorization(allowed: false, reason: "admin route, token is not an admin's"))
    }

    @Test func neverFailsOnForgedOrMangledTokens() throws {
        var random = SeededGenerator(seed: 5)
        let good = Array(Self.token().utf8)
        for _ in 0..<2000 {
            var mangled = good
            let position = Int.random(in: 0..<mangled.count, using: &random)
            mangled[position] = Array("AZaz09-_.=+/ ".utf8).randomElement(using: &random)!
            let text = String(decoding: mangled, as: UTF8.self).replacingOccurrences(of: "\"", with: "")
            let outcome = try decision(httpEvent(path: "/players", headers: ["authorization": "Bearer \(text)"]))
            guard case .authorization(let allowed, _) = outcome else { Issue.record("not a decision"); continue }
            #expect(allowed == (mangled == good))
        }
    }

    @Test func refusesBadConfiguration() {
        #expect(throws: ConfigurationError(variable: "JWT_LEEWAY_SECONDS", problem: .invalid("must be a whole number of seconds from 0 to 300"))) {
            try AuthorizerFunction(environment: ["JWT_SECRET": Self.secret, "JWT_LEEWAY_SECONDS": "3600"])
        }
        #expect(throws: ConfigurationError(variable: "ADMIN_ROUTE_PREFIXES", problem: .invalid("entries must be paths starting with '/'"))) {
            try AuthorizerFunction(environment: ["JWT_SECRET": Self.secret, "ADMIN_ROUTE_PREFIXES": "admin"])
        }
        #expect(throws: ConfigurationError(variable: "OPTIONAL_AUTH_ROUTE_PREFIXES", problem: .invalid("entries must be paths starting with '/'"))) {
            try AuthorizerFunction(environment: ["JWT_SECRET": Self.secret, "OPTIONAL_AUTH_ROUTE_PREFIXES": "/player,player"])
        }
        #expect(throws: ConfigurationError(variable: "JWT_SECRET", problem: .missing)) { try AuthorizerFunction(environment: [:]) }
    }

    @Test func appliesTheConfiguredLeeway() throws {
        let future = Self.token(issuedAt: Self.now.seconds + 30)
        let strict = LambdaTestClient(try AuthorizerFunction(environment: ["JWT_SECRET": Self.secret, "JWT_LEEWAY_SECONDS": "0"], clock: FixedWallClock(Self.now)))
        #expect(try strict.invoke(httpEvent(path: "/p", headers: ["authorization": "Bearer \(future)"])).outcome
            == .authorization(allowed: false, reason: "token is issued in the future"))
        #expect(try decision(httpEvent(path: "/p", headers: ["authorization": "Bearer \(future)"])) == .authorization(allowed: true, reason: nil))
    }
}
