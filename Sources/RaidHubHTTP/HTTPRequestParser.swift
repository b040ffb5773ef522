/// Reads HTTP/1.1 requests from the bytes of a connection as they arrive (RFC 9112).
///
/// Feed bytes with `append`, then call `next()` until it returns nil (more bytes needed). Bytes
/// after a complete request stay buffered for the next one, so pipelined and kept-alive requests
/// both work. Any error is final for the connection: answer its status and close.
public struct HTTPRequestParser: Sendable {
    /// Largest request line plus headers (the terminating blank line included).
    public let maximumHeaderByteCount: Int
    /// Largest body, after de-chunking.
    public let maximumBodyByteCount: Int

    private var buffer: [UInt8] = []
    private var start = 0

    /// A parser with these limits (by default 16 KiB of headers and a 6 MB body, Lambda's limit).
    public init(maximumHeaderByteCount: Int = 16 * 1024, maximumBodyByteCount: Int = 6 * 1024 * 1024) {
        self.maximumHeaderByteCount = maximumHeaderByteCount
        self.maximumBodyByteCount = maximumBodyByteCount
    }

    /// Adds bytes received from the connection.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        if start > 0, start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// Whether bytes of an unfinished request are buffered (a client that stops mid-request).
    public var hasPartialRequest: Bool { start < buffer.count }

    /// The next complete request, nil when more bytes are needed.
    public mutating func next() throws(HTTPParseError) -> HTTPRequest? {
        guard let headEnd = findHeadEnd() else {
            if buffer.count - start > maximumHeaderByteCount { throw .headersTooLarge(limit: maximumHeaderByteCount) }
            return nil
        }
        guard headEnd - start <= maximumHeaderByteCount else { throw .headersTooLarge(limit: maximumHeaderByteCount) }
        let head = try HTTPRequestHead(buffer[start..<headEnd])
        let bodyStart = headEnd + 4
        guard let (body, end) = try readBody(of: head, from: bodyStart) else { return nil }
        start = end
        compactBuffer()
        return HTTPRequest(method: head.method, target: head.target, headers: head.fields, body: body, keepAlive: head.keepAlive)
    }

    /// Drops consumed bytes once they dominate the buffer, so a long kept-alive connection does
    /// not grow its buffer forever.
    private mutating func compactBuffer() {
        if start > 64 * 1024, start * 2 > buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
    }

    /// The index of the `\r\n\r\n` ending the head, if it has arrived.
    private func findHeadEnd() -> Int? {
        guard buffer.count - start >= 4 else { return nil }
        var index = start
        while index + 3 < buffer.count {
            if buffer[index] == 0x0D, buffer[index + 1] == 0x0A, buffer[index + 2] == 0x0D, buffer[index + 3] == 0x0A {
                return index
            }
            index += 1
        }
        return nil
    }

    private func readBody(of head: HTTPRequestHead, from bodyStart: Int) throws(HTTPParseError) -> ([UInt8], Int)? {
        switch head.framing {
        case .none:
            return ([], bodyStart)
        case .length(let length):
            guard length <= maximumBodyByteCount else { throw .bodyTooLarge(limit: maximumBodyByteCount) }
            guard buffer.count - bodyStart >= length else { return nil }
            return (Array(buffer[bodyStart..<(bodyStart + length)]), bodyStart + length)
        case .chunked:
            return try ChunkedBody.read(buffer, from: bodyStart, limit: maximumBodyByteCount)
        }
    }
}
