// libFuzzer target: bytes as an HTTP/1.1 response stream (what a function's HTTP client reads),
// parsed at once and again in pieces: the responses and the error, if any, must be the same
// however the bytes arrive. Built by scripts/fuzz.sh with Sources/RaidHubHTTP and Fuzz/Shared
// as one module.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = sameWholeAndInPieces(data, size, HTTPResponseParser(maximumBodyByteCount: 4096),
                             append: { $0.append($1) }, next: { parser throws(HTTPParseError) in try parser.next() })
    return 0
}
