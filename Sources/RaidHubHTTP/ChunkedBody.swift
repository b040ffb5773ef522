/// Decodes the chunked transfer coding (RFC 9112 §7.1) as bytes arrive: size in hex, optional
/// extensions, data, and a last zero-size chunk with optional trailers. It resumes where it
/// stopped, so decoding is linear in the bytes however they are split.
struct ChunkedBody: Sendable {
    private enum Phase: Sendable {
        case size
        case data(remaining: Int)
        case dataEnd
        case trailers(byteCount: Int)
    }

    /// The next byte to read, in the parser's buffer.
    var index: Int
    /// The body decoded so far.
    private(set) var body: [UInt8] = []
    private var phase = Phase.size
    /// Where the scan for the current line's end resumes.
    private var scanned = 0

    init(index: Int) {
        self.index = index
    }

    /// Follows the buffer when `count` bytes before `index` are removed from it.
    mutating func shift(by count: Int) {
        index -= count
        scanned = max(0, scanned - count)
    }

    /// The body and the index after it when the whole chunked body has arrived, else nil: a
    /// stateless read for responses (the Runtime API never chunks, so no resuming is needed).
    static func read(_ buffer: [UInt8], from start: Int, limit: Int) throws(HTTPParseError) -> ([UInt8], Int)? {
        var decoder = ChunkedBody(index: start)
        return try decoder.advance(buffer, bodyLimit: limit, trailerLimit: 16 * 1024) ? (decoder.body, decoder.index) : nil
    }

    /// Decodes what has arrived; true when the body and its trailers are complete.
    mutating func advance(_ buffer: [UInt8], bodyLimit: Int, trailerLimit: Int) throws(HTTPParseError) -> Bool {
        while true {
            switch phase {
            case .size:
                guard let end = try lineEnd(in: buffer, limit: 1024, tooLong: .malformed("chunk size line")) else { return false }
                let size = try Self.chunkSize(buffer[index..<end])
                index = end + 2
                if size == 0 {
                    phase = .trailers(byteCount: 0)
                } else {
                    guard body.count + size <= bodyLimit else { throw .bodyTooLarge(limit: bodyLimit) }
                    body.reserveCapacity(body.count + size)
                    phase = .data(remaining: size)
                }
            case .data(let remaining):
                let available = min(remaining, buffer.count - index)
                body.append(contentsOf: buffer[index..<(index + available)])
                index += available
                guard available == remaining else {
                    phase = .data(remaining: remaining - available)
                    return false
                }
                phase = .dataEnd
            case .dataEnd:
                guard buffer.count - index >= 2 else { return false }
                guard buffer[index] == 0x0D, buffer[index + 1] == 0x0A else { throw .malformed("chunk data") }
                index += 2
                phase = .size
            case .trailers(let byteCount):
                // Trailer fields are read and ignored; they count against the head's limit.
                let remaining = trailerLimit - byteCount
                guard let end = try lineEnd(in: buffer, limit: remaining, tooLong: .headersTooLarge(limit: trailerLimit)) else { return false }
                let length = end + 2 - index
                guard length <= remaining else { throw .headersTooLarge(limit: trailerLimit) }
                let isBlank = end == index
                index = end + 2
                if isBlank { return true }
                phase = .trailers(byteCount: byteCount + length)
            }
        }
    }

    /// The CR of the CRLF ending the line at `index`, nil when it has not arrived; a bare LF or a
    /// line longer than `limit` is an error.
    private mutating func lineEnd(in buffer: [UInt8], limit: Int, tooLong: HTTPParseError) throws(HTTPParseError) -> Int? {
        var position = max(scanned, index)
        defer { scanned = position }
        while position < buffer.count {
            if buffer[position] == 0x0A {
                guard position > index, buffer[position - 1] == 0x0D else { throw .malformed("bare LF") }
                return position - 1
            }
            position += 1
            if position - index > limit { throw tooLong }
        }
        return nil
    }

    private static func chunkSize(_ line: ArraySlice<UInt8>) throws(HTTPParseError) -> Int {
        let digits = line.prefix { $0 != UInt8(ascii: ";") }
        guard !digits.isEmpty, digits.count <= 8 else { throw .malformed("chunk size") }
        var size = 0
        for digit in digits {
            let value: Int
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = Int(digit - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = Int(digit - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = Int(digit - UInt8(ascii: "A")) + 10
            default: throw .malformed("chunk size")
            }
            size = size << 4 | value
        }
        return size
    }
}
