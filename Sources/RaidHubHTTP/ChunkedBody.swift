/// The chunked transfer coding (RFC 9112 §7.1): size in hex, optional extensions, data, and a
/// last zero-size chunk with optional trailers.
enum ChunkedBody {
    /// The de-chunked body and the index after it, or nil when it has not fully arrived.
    static func read(_ buffer: [UInt8], from start: Int, limit: Int) throws(HTTPParseError) -> ([UInt8], Int)? {
        var body: [UInt8] = []
        var index = start
        while true {
            guard let lineEnd = crlf(in: buffer, from: index) else {
                if buffer.count - index > 1024 { throw .malformed("chunk size line") }
                return nil
            }
            let size = try chunkSize(buffer[index..<lineEnd])
            index = lineEnd + 2
            if size == 0 {
                // Trailer fields, ignored, up to the blank line.
                while true {
                    guard let end = crlf(in: buffer, from: index) else { return nil }
                    let isBlank = end == index
                    index = end + 2
                    if isBlank { return (body, index) }
                }
            }
            guard body.count + size <= limit else { throw .bodyTooLarge(limit: limit) }
            guard buffer.count - index >= size + 2 else { return nil }
            guard buffer[index + size] == 0x0D, buffer[index + size + 1] == 0x0A else { throw .malformed("chunk data") }
            body.append(contentsOf: buffer[index..<(index + size)])
            index += size + 2
        }
    }

    private static func crlf(in buffer: [UInt8], from start: Int) -> Int? {
        var index = start
        while index + 1 < buffer.count {
            if buffer[index] == 0x0D, buffer[index + 1] == 0x0A { return index }
            index += 1
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
