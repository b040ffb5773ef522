// libFuzzer target: bytes as an HTTP/1.1 request stream, parsed at once and again in pieces
// (cut where the input's first byte says): the requests and the error, if any, must be the
// same however the bytes arrive, as a server reading a socket meets them, and no body may pass
// the limit. Replayed with FUZZ_EMIT, it says which requests it read from the stream, which
// scripts/fuzz-differential.py sets beside h11's reading of the corpus. Built by
// scripts/fuzz.sh with Sources/RaidHubHTTP and Fuzz/Shared as one module.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let found = sameWholeAndInPieces(data, size, HTTPRequestParser(maximumHeaderByteCount: 2048, maximumBodyByteCount: 4096),
                                     append: { $0.append($1) }, next: { parser throws(HTTPParseError) in try parser.next() })
    for case .value(let request) in found where request.body.count > 4096 {
        fatalError("a body over the limit was accepted")
    }
    if emitting {
        var requests: [String] = []
        var failed = false
        for outcome in found {
            switch outcome {
            case .value(let request):
                let fields = request.headers.map { "[\(jsonString($0.name)),\(jsonString($0.value))]" }.joined(separator: ",")
                requests.append("{\"method\":\(jsonString(request.method)),\"target\":\(jsonString(request.target)),\"headers\":[\(fields)],"
                    + "\"body\":[\(request.body.map(String.init).joined(separator: ","))]}")
            case .error: failed = true
            }
        }
        emit("{\"requests\":[\(requests.joined(separator: ","))],\"error\":\(failed)}")
    }
    return 0
}
