import Foundation
@testable import RaidHubAPIGatewayEmulator
@testable import RaidHubEmulation
import RaidHubHTTP
@testable import RaidHubTemplate
import RaidHubTestSupport
import Testing

@Suite struct GatewayEventTests {
    /// The hand-made time format agrees with Foundation's formatter.
    @Test func formatsRequestTimeLikeAPIGateway() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "dd/MMM/yyyy:HH:mm:ss Z"
        #expect(GatewayEvent.clfDate(Date(timeIntervalSince1970: 1_709_508_600)) == "03/Mar/2024:23:30:00 +0000")
        for seconds in stride(from: 0.0, to: 4_102_444_800, by: 7_654_321.5) {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(GatewayEvent.clfDate(date) == formatter.string(from: date))
        }
    }

    /// The authorizer's `routeArn` names the region the runner emulates (`--region`), which was
    /// us-east-1 whatever was given.
    @Test func namesTheEmulatedRegionInTheRouteArn() throws {
        var parser = HTTPRequestParser()
        parser.append(Array("GET /admin/x HTTP/1.1\r\nHost: h\r\n\r\n".utf8))
        let request = try #require(try parser.next())
        let event = GatewayEvent(request: request, route: SAMTemplate.Route(method: "GET", path: "/admin/{p+}", functionId: "F", payloadVersion2: true),
                                 pathParameters: [:], sourceIP: "127.0.0.1", host: "h", region: "eu-west-1", timeEpochMilliseconds: 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(event.authorizer(identity: []))) as? [String: Any])
        #expect(json["routeArn"] as? String == "arn:aws:execute-api:eu-west-1:000000000000:local/$default/GET/admin/x")
    }

    /// Repeated headers and query parameters as the developer guide's payload formats give them
    /// ("Working with AWS Lambda proxy integrations for HTTP APIs"): 2.0 lower-cases names and
    /// combines duplicates with commas; 1.0 lists every value in `multiValueHeaders` and
    /// `multiValueQueryStringParameters`, in the order they came.
    @Test func groupsRepeatedHeadersAndQueryParametersAsEachPayloadFormatDoes() throws {
        var parser = HTTPRequestParser()
        parser.append(Array("GET /a?q=1&r=2&q=3 HTTP/1.1\r\nHost: h\r\nX-A: 1\r\nB: 3\r\nx-a: 2\r\n\r\n".utf8))
        let request = try #require(try parser.next())
        func event(_ version2: Bool) throws -> [String: Any] {
            let event = GatewayEvent(request: request, route: SAMTemplate.Route(method: "GET", path: "/a", functionId: "F", payloadVersion2: version2),
                                     pathParameters: [:], sourceIP: "127.0.0.1", host: "h", region: "us-east-1", timeEpochMilliseconds: 0)
            return try #require(try JSONSerialization.jsonObject(with: Data(version2 ? event.version2() : event.version1())) as? [String: Any])
        }
        let two = try event(true), one = try event(false)
        #expect(two["headers"] as? [String: String] == ["host": "h", "x-a": "1,2", "b": "3"])
        #expect(two["queryStringParameters"] as? [String: String] == ["q": "1,3", "r": "2"])
        #expect(one["multiValueHeaders"] as? [String: [String]] == ["Host": ["h"], "X-A": ["1", "2"], "B": ["3"]])
        #expect(one["multiValueQueryStringParameters"] as? [String: [String]] == ["q": ["1", "3"], "r": ["2"]])
    }

    /// A head full of distinct headers and query parameters (16 KiB holds thousands) becomes an
    /// event in linear time, on the loop thread that serves every client: eight times the fields
    /// cost about eight times as much (a search per field cost 24 and 39 times as much at an eighth
    /// of this size).
    @Test(.disabled(if: Sanitizer.isActive, Comment(rawValue: Sanitizer.skipReason)), arguments: [false, true])
    func buildsAnEventFromThousandsOfFieldsInLinearTime(payloadVersion2: Bool) throws {
        func request(_ fields: Int) throws -> HTTPRequest {
            let query = (0..<fields).map { "q\($0)=\($0 % 7)" }.joined(separator: "&")
            let headers = (0..<fields).map { "X-H\($0): v\r\nx-h\($0): w\r\n" }.joined()
            var parser = HTTPRequestParser(maximumHeaderByteCount: 1 << 24)
            parser.append(Array("GET /a?\(query) HTTP/1.1\r\nHost: h\r\n\(headers)\r\n".utf8))
            return try #require(try parser.next())
        }
        let requests = [try request(500), try request(4_000)]
        let route = SAMTemplate.Route(method: "GET", path: "/a", functionId: "F", payloadVersion2: payloadVersion2)
        let growth = Complexity.growth(size: 1) { size in
            let event = GatewayEvent(request: requests[size == 1 ? 0 : 1], route: route, pathParameters: [:], sourceIP: "127.0.0.1",
                                     host: "h", region: "us-east-1", timeEpochMilliseconds: 0)
            let bytes = payloadVersion2 ? event.version2() : event.version1()
            #expect(bytes.count > 20 * size * 500)
        }
        #expect(growth < 20, "8 times the fields cost \(growth) times as much")
    }
}

/// The runner's request and trace ids: Lambda's forms, and no repeats.
@Suite struct LocalIdentifierTests {
    @Test func drawsVersion4UUIDsAndXRayTraceIdsWithoutRepeats() {
        let ids = (0..<100_000).map { _ in LocalIdentifier.uuid() }
        #expect(Set(ids).count == ids.count)
        let malformed = ids.prefix(1000).filter { $0.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/) == nil }
        #expect(malformed.isEmpty, "\(malformed)")
        #expect(LocalIdentifier.traceId(seconds: 0x5759_e988).wholeMatch(of: /Root=1-5759e988-[0-9a-f]{24};Sampled=0/) != nil)
    }
}
