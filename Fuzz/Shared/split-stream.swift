// What the HTTP fuzz targets share: a stream parsed whole and again in pieces, as a socket hands
// it over, must give the same values and the same error. Compiled into each HTTP target.

/// What a parser made of a stream: its values in order, then an error or nothing.
enum StreamOutcome<Value: Equatable>: Equatable {
    case value(Value)
    case error(HTTPParseError)
}

/// Feeds `pieces` to `parser`, taking every complete value after each, until an error.
func outcomes<Parser, Value: Equatable>(
    of pieces: [ArraySlice<UInt8>], _ parser: Parser, append: (inout Parser, ArraySlice<UInt8>) -> Void,
    next: (inout Parser) throws(HTTPParseError) -> Value?
) -> [StreamOutcome<Value>] {
    var parser = parser
    var found: [StreamOutcome<Value>] = []
    for piece in pieces {
        append(&parser, piece)
        while true {
            do {
                guard let value = try next(&parser) else { break }
                found.append(.value(value))
            } catch {
                found.append(.error(error))
                return found
            }
        }
    }
    return found
}

/// The input after its first byte, whole, and cut into pieces of 1 to 16 bytes whose sizes
/// cycle from the first byte, so one-byte reads are common; nil for inputs under two bytes.
func streamAndPieces(_ data: UnsafePointer<UInt8>, _ size: Int) -> (whole: ArraySlice<UInt8>, pieces: [ArraySlice<UInt8>])? {
    guard size > 1 else { return nil }
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
    return (stream, pieces)
}

/// Fails the run when the same bytes parsed differently in pieces; returns the outcomes.
func sameWholeAndInPieces<Parser, Value: Equatable>(
    _ data: UnsafePointer<UInt8>, _ size: Int, _ parser: Parser, append: (inout Parser, ArraySlice<UInt8>) -> Void,
    next: (inout Parser) throws(HTTPParseError) -> Value?
) -> [StreamOutcome<Value>] {
    guard let (whole, pieces) = streamAndPieces(data, size) else { return [] }
    let atOnce = outcomes(of: [whole], parser, append: append, next: next)
    let inPieces = outcomes(of: pieces, parser, append: append, next: next)
    if atOnce != inPieces { fatalError("the same bytes parsed differently in pieces:\n\(atOnce)\n\(inPieces)") }
    return atOnce
}
