// libFuzzer target: bytes as an HTTP/1.1 request stream, parsed at once and again in pieces
// (cut where the input's first bytes say): the requests and the error, if any, must be the
// same however the bytes arrive, as a server reading a socket meets them. Built by
// scripts/fuzz.sh together with Sources/RaidHubHTTP as one module.

/// What the parser made of a stream: its requests in order, then an error or nothing.
private enum Outcome: Equatable {
    case request(HTTPRequest)
    case error(HTTPParseError)
}

private func parse(_ pieces: [ArraySlice<UInt8>]) -> [Outcome] {
    var parser = HTTPRequestParser(maximumHeaderByteCount: 2048, maximumBodyByteCount: 4096)
    var outcomes: [Outcome] = []
    for piece in pieces {
        parser.append(piece)
        while true {
            do {
                guard let request = try parser.next() else { break }
                outcomes.append(.request(request))
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
    // Pieces of 1 to 16 bytes, their sizes cycling from a seed, so one-byte reads are common.
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
    for case .request(let request) in whole {
        if request.body.count > 4096 { fatalError("a body over the limit was accepted") }
    }
    return 0
}
