/// Decodes the chunked transfer coding (RFC 9112 §7.1) as bytes arrive: size in hex, optional
/// extensions, data, and a last zero-size chunk with optional trailers. It resumes where it
/// stopped, so decoding is linear in the bytes however they are split.
///
/// A megabyte of one-byte chunks is a million chunks: the decoder keeps its state in locals
/// and reads and writes through one pointer each per call, and the body's storage grows
/// geometrically (an exact `reserveCapacity(count + size)` per chunk copied the body every
/// time: a megabyte of one-byte chunks took 10 s).
struct ChunkedBody: Sendable {
    private enum Phase: Sendable {
        case size
        case data(remaining: Int)
        case dataEnd
        case trailers(byteCount: Int)
    }

    /// The next byte to read, in the parser's buffer.
    var index: Int
    /// The body's bytes so far, in `storage[0..<length]` (the rest is room to grow).
    private var storage: [UInt8] = []
    private var length = 0
    private var phase = Phase.size
    /// Where the scan for the current line's end resumes.
    private var scanned = 0

    init(index: Int) {
        self.index = index
    }

    /// The body decoded so far.
    var body: [UInt8] { Array(storage[0..<length]) }

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
        // Room for every byte still in the buffer: the body cannot grow by more.
        let most = length + max(0, buffer.count - index)
        if storage.count < most {
            storage += [UInt8](repeating: 0, count: max(most, 2 * storage.count) - storage.count)
        }
        var state = State(index: index, length: length, phase: phase, scanned: scanned)
        let outcome = buffer.withUnsafeBufferPointer { input in
            storage.withUnsafeMutableBufferPointer { output in
                Self.decode(input, into: output, state: &state, bodyLimit: bodyLimit, trailerLimit: trailerLimit)
            }
        }
        (index, length, phase, scanned) = (state.index, state.length, state.phase, state.scanned)
        return try outcome.get()
    }

    /// The decoder's position, copied out of `self` while the pointers are held.
    private struct State {
        var index: Int
        var length: Int
        var phase: Phase
        var scanned: Int
    }

    private static func decode(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>, state: inout State,
                               bodyLimit: Int, trailerLimit: Int) -> Result<Bool, HTTPParseError> {
        while true {
            switch state.phase {
            case .size:
                // The common case inline: whole small chunks (size line, data, CRLF) already
                // here, as one-byte chunks come, read in one tight loop through raw pointers.
                let bytes = input.baseAddress!, end = input.count
                let body = output.baseAddress!
                var position = state.index
                var length = state.length
                fast: while true {
                    var cursor = position, size = 0, digits = 0
                    while cursor < end, digits <= 8 {
                        let byte = bytes[cursor]
                        let value: Int
                        if byte >= 0x30, byte <= 0x39 { value = Int(byte) - 0x30 }
                        else if byte >= 0x61, byte <= 0x66 { value = Int(byte) - 0x57 }
                        else if byte >= 0x41, byte <= 0x46 { value = Int(byte) - 0x37 }
                        else { break }
                        size = size << 4 | value
                        digits += 1
                        cursor += 1
                    }
                    guard digits > 0, digits <= 8, size > 0, size <= 4096, end - cursor >= size + 4,
                          bytes[cursor] == 0x0D, bytes[cursor + 1] == 0x0A, bytes[cursor + 2 + size] == 0x0D, bytes[cursor + 3 + size] == 0x0A
                    else { break fast }
                    guard length + size <= bodyLimit else { return .failure(.bodyTooLarge(limit: bodyLimit)) }
                    if size == 1 { body[length] = bytes[cursor + 2] } else { (body + length).update(from: bytes + cursor + 2, count: size) }
                    length += size
                    position = cursor + size + 4
                }
                if position != state.index {
                    state.index = position
                    state.scanned = position
                    state.length = length
                    continue
                }
                switch lineEnd(in: input, state: &state, limit: 1024, tooLong: .malformed("chunk size line")) {
                case .failure(let error): return .failure(error)
                case .success(nil): return .success(false)
                case .success(let end?):
                    guard let size = chunkSize(input, from: state.index, to: end) else { return .failure(.malformed("chunk size")) }
                    state.index = end + 2
                    if size == 0 {
                        state.phase = .trailers(byteCount: 0)
                    } else {
                        guard state.length + size <= bodyLimit else { return .failure(.bodyTooLarge(limit: bodyLimit)) }
                        state.phase = .data(remaining: size)
                    }
                }
            case .data(let remaining):
                let available = min(remaining, input.count - state.index)
                if available > 0 {
                    UnsafeMutableRawPointer(output.baseAddress! + state.length)
                        .copyMemory(from: input.baseAddress! + state.index, byteCount: available)
                }
                state.length += available
                state.index += available
                guard available == remaining else {
                    state.phase = .data(remaining: remaining - available)
                    return .success(false)
                }
                state.phase = .dataEnd
            case .dataEnd:
                guard input.count - state.index >= 2 else { return .success(false) }
                guard input[state.index] == 0x0D, input[state.index + 1] == 0x0A else { return .failure(.malformed("chunk data")) }
                state.index += 2
                state.phase = .size
            case .trailers(let byteCount):
                // Trailer fields are read and ignored; they count against the head's limit, and
                // each must be a field line as in the head (`hello` alone was taken for one),
                // never a framing field (RFC 9110 §6.5.1: a trailer must not carry one).
                let remaining = trailerLimit - byteCount
                switch lineEnd(in: input, state: &state, limit: remaining, tooLong: .headersTooLarge(limit: trailerLimit)) {
                case .failure(let error): return .failure(error)
                case .success(nil): return .success(false)
                case .success(let end?):
                    let length = end + 2 - state.index
                    guard length <= remaining else { return .failure(.headersTooLarge(limit: trailerLimit)) }
                    let isBlank = end == state.index
                    if !isBlank {
                        do {
                            let name = try HTTPRequestHead.field(Array(input[state.index..<end])[...]).name.lowercased()
                            if name == "transfer-encoding" || name == "content-length" { return .failure(.malformed("framing field in trailers")) }
                        } catch {
                            return .failure(error)
                        }
                    }
                    state.index = end + 2
                    if isBlank { return .success(true) }
                    state.phase = .trailers(byteCount: byteCount + length)
                }
            }
        }
    }

    /// The CR of the CRLF ending the line at `state.index`, nil when it has not arrived; a bare
    /// LF or a line longer than `limit` is an error.
    private static func lineEnd(in input: UnsafeBufferPointer<UInt8>, state: inout State, limit: Int,
                                tooLong: HTTPParseError) -> Result<Int?, HTTPParseError> {
        var position = max(state.scanned, state.index)
        defer { state.scanned = position }
        while position < input.count {
            if input[position] == 0x0A {
                guard position > state.index, input[position - 1] == 0x0D else { return .failure(.malformed("bare LF")) }
                return .success(position - 1)
            }
            position += 1
            if position - state.index > limit { return .failure(tooLong) }
        }
        return .success(nil)
    }

    /// The value of a hexadecimal digit, nil for another byte.
    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A")) + 10
        default: nil
        }
    }

    /// The hexadecimal size before any `;extension`, nil when it is not one (or over 8 digits).
    private static func chunkSize(_ input: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int? {
        var size = 0
        var digits = 0
        for position in start..<end {
            let digit = input[position]
            if digit == UInt8(ascii: ";") { break }
            guard let value = hexValue(digit) else { return nil }
            digits += 1
            guard digits <= 8 else { return nil }
            size = size << 4 | value
        }
        return digits > 0 ? size : nil
    }
}
