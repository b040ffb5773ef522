// libFuzzer target: bytes as an HTTP/1.1 response stream (what a function's HTTP client reads),
// parsed at once and again in pieces: the responses and the error, if any, must be the same
// however the bytes arrive. Built by scripts/fuzz.sh with Sources/RaidHubHTTP as one module.

private enum Outcome: Equatable {
    case response(HTTPResponseParser.Response)
    case error(HTTPParseError)
}

private func parse(_ pieces: [ArraySlice<UInt8>]) -> [Outcome] {
    var parser = HTTPResponseParser(maximumBodyByteCount: 4096)
    var outcomes: [Outcome] = []
    for piece in pieces {
        parser.append(piece)
        while true {
            do {
                guard let response = try parser.next() else { break }
                outcomes.append(.response(response))
            } catch {
                outcomes.append(.error(error))
                return outcomes
            }
        }
    }
    return outcomes
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 1 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let stream = bytes[1...]
    var pieces: [ArraySlice<UInt8>] = []
    var start = stream.startIndex
    var seed = Int(bytes[0])
    while start < stream.endIndex {
        let length = min(seed % 16 + 1, stream.endIndex - start)
        pieces.append(stream[start..<(start + length)])
        start += length
        seed = (seed &* 31 &+ 7) & 0xFF
    }
    let whole = parse([stream])
    let split = parse(pieces)
    if whole != split { fatalError("the same bytes parsed differently in pieces:\n\(whole)\n\(split)") }
    return 0
}
