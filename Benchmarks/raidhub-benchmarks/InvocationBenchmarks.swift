import RaidHubAuth
import RaidHubFunctions
import RaidHubLambda

/// A whole invocation in-process: decode a ~1.8 KB API Gateway 2.0 event, run the handler,
/// encode the response (issue #3).
enum InvocationBenchmarks {
    static func run(matching filter: String?) -> [Measurement] {
        let name = "invocation, 1.8 KB HTTP API event"
        guard filter.map(name.contains) ?? true else { return [] }
        let environment = [
            EnvironmentVariable.jwtSecret: TokenBenchmarks.jwtSecret, EnvironmentVariable.clientSecret: TokenBenchmarks.clientSecret,
        ]
        let function = try! TokenEndpointFunction.user(environment: environment)
        let event = Array(sampleEvent.utf8)
        let context = InvocationContext(requestId: "bench", deadlineMilliseconds: .max, invokedFunctionARN: "arn:aws:lambda:::function:bench")
        precondition(event.count > 1700 && event.count < 1900, "the event should be about 1.8 KB, is \(event.count)")
        let check = Result { () throws(FunctionError) in try function.handle(event, context: context) }
        precondition((try? check.get())?.outcome == .http(status: 200, errorCode: nil), "benchmark event must succeed: \(check)")
        return [Measurement.best(name, iterations: 20_000) { consume(try? function.handle(event, context: context)) }]
    }

    /// A realistic event: what API Gateway sends for a browser's POST through CloudFront.
    static let sampleEvent = #"""
    {"version":"2.0","routeKey":"POST /authorize/user","rawPath":"/authorize/user","rawQueryString":"","headers":{"accept":"application/json, text/plain, */*","accept-encoding":"gzip, deflate, br","accept-language":"en-US,en;q=0.9","cloudfront-is-desktop-viewer":"true","cloudfront-viewer-country":"US","via":"2.0 5f5d2a1c8e0a3b1d9c7e6f4a2b0c8d6e.cloudfront.net (CloudFront)","x-amz-cf-id":"kXb2D7yZ9Qw3Hn8Jm4Lp6Rt1Vs5Ux0Ay2Bz4Cd6Ef8Gh0Ij2Kl==","content-length":"153","content-type":"application/json","host":"abcdef1234.execute-api.us-east-1.amazonaws.com","origin":"https://raidhub.io","referer":"https://raidhub.io/","sec-ch-ua":"\"Chromium\";v=\"124\", \"Google Chrome\";v=\"124\", \"Not-A.Brand\";v=\"99\"","sec-ch-ua-mobile":"?0","sec-ch-ua-platform":"\"Windows\"","sec-fetch-dest":"empty","sec-fetch-mode":"cors","sec-fetch-site":"same-site","user-agent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36","x-amzn-trace-id":"Root=1-65e5073c-3c8b1a4f6c2d1e0f9a8b7c6d","x-forwarded-for":"203.0.113.7","x-forwarded-port":"443","x-forwarded-proto":"https"},"requestContext":{"accountId":"123456789012","apiId":"abcdef1234","domainName":"abcdef1234.execute-api.us-east-1.amazonaws.com","domainPrefix":"abcdef1234","http":{"method":"POST","path":"/authorize/user","protocol":"HTTP/1.1","sourceIp":"203.0.113.7","userAgent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"},"requestId":"UQYkTg6LoAMEVHQ=","routeKey":"POST /authorize/user","stage":"$default","time":"03/Mar/2024:23:30:00 +0000","timeEpoch":1709508600000},"body":"{\"bungieMembershipId\":\"12345678\",\"destinyMembershipIds\":[\"4611686018488107374\",\"4611686018488107375\"],\"clientSecret\":\"benchmark-client-secret\"}","isBase64Encoded":false}
    """#
}
