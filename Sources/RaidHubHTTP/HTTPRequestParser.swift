/// Reads HTTP/1.1 requests from the bytes of a connection as they arrive (RFC 9112).
///
/// Feed bytes with `append`, then call `next()` until it returns nil (more bytes needed). Bytes
/// after a complete request stay buffered for the next one, so pipelined and kept-alive requests
/// both work. Any error is final for the connection: answer its status and close.
///
/// Work is linear in the bytes received however they are split: the head scan and the chunked
/// decoder resume where they stopped. A body is held once (the buffer is sized for a declared
/// length up front, and chunk data leaves the buffer as it is decoded), and trailers count
/// against the head's limit.
public struct HTTPRequestParser: Sendable {
    /// Largest request line plus headers (the terminating blank line included), and of the head
    /// plus the trailers of a chunked body.
    public let maximumHeaderByteCount: Int
    /// Largest body, after de-chunking.
    public let maximumBodyByteCount: Int

    private var buffer: [UInt8] = []
    /// The first byte not yet consumed by a returned request.
    private var start = 0
    /// Where the head scan resumes.
    private var scanned = 0
    /// Where the request line starts: after the empty lines before it, which are skipped but
    /// count against the head's limit and deadline (a client sending only empty lines is
    /// neither idle nor free).
    private var lineStart = 0
    /// The current request's head, once it has arrived, with where its body starts.
    private var head: (value: HTTPRequestHead, byteCount: Int, bodyStart: Int)?
    private var chunked: ChunkedBody?
    private var continueOwed = false
    /// The error that ended the connection's requests: given again by every later `next()`,
    /// whatever state the reading stopped in.
    private var failure: HTTPParseError?

    /// A parser with these limits (by default 16 KiB of headers and a 6 MB body, Lambda's limit).
    public init(maximumHeaderByteCount: Int = 16 * 1024, maximumBodyByteCount: Int = 6 * 1024 * 1024) {
        self.maximumHeaderByteCount = maximumHeaderByteCount
        self.maximumBodyByteCount = maximumBodyByteCount
    }

    /// Adds bytes received from the connection.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        buffer.append(contentsOf: bytes)
    }

    /// Adds bytes received from the connection.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        buffer.append(contentsOf: bytes)
    }

    /// Whether bytes of an unfinished request are buffered (a client that stops mid-request).
    public var hasPartialRequest: Bool { head != nil || start < buffer.count }

    /// The method and target of the request whose head has arrived and whose body has not (also
    /// after its body was refused as too large), so a server can tell its handler what it refused.
    public var pendingRequestLine: (method: String, target: String)? {
        head.map { ($0.value.method, $0.value.target) }
    }

    /// Whether the current request's head has arrived and its body has not: the server's body
    /// deadline applies rather than the head's.
    public var isReadingBody: Bool { head != nil }

    /// True once per request whose head asked for `Expect: 100-continue` while its body has not
    /// arrived: the server answers `100 Continue` so the client sends it.
    public mutating func takeContinueExpectation() -> Bool {
        defer { continueOwed = false }
        return continueOwed
    }

    /// The next complete request, nil when more bytes are needed. An error is final: every
    /// later call throws it again.
    public mutating func next() throws(HTTPParseError) -> HTTPRequest? {
        if let failure { throw failure }
        do {
            return try readNext()
        } catch {
            failure = error
            throw error
        }
    }

    private mutating func readNext() throws(HTTPParseError) -> HTTPRequest? {
        if head == nil {
            guard let found = try readHead() else { return nil }
            head = found
            switch found.value.framing {
            case .length(let length):
                guard length <= maximumBodyByteCount else { throw .bodyTooLarge(limit: maximumBodyByteCount) }
                // Room for the whole body now, so appends never reallocate past it.
                buffer.reserveCapacity(found.bodyStart + length)
            case .chunked:
                chunked = ChunkedBody(index: found.bodyStart)
            case .none:
                break
            }
            continueOwed = found.value.expectsContinue
        }
        guard let (headValue, headByteCount, bodyStart) = head, let (body, end) = try readBody(of: headValue, headByteCount: headByteCount, from: bodyStart) else {
            compactConsumedChunks()
            return nil
        }
        head = nil
        chunked = nil
        continueOwed = false
        start = end
        scanned = end
        lineStart = end
        compact()
        return HTTPRequest(method: headValue.method, target: headValue.target, headers: headValue.fields, body: body, keepAlive: headValue.keepAlive)
    }

    /// Finds and parses the head: CRLF line ends only (a bare LF is refused at once, as nginx
    /// does); empty lines before the request line ignored (RFC 9112 §2.2), within the head's
    /// limit.
    private mutating func readHead() throws(HTTPParseError) -> (value: HTTPRequestHead, byteCount: Int, bodyStart: Int)? {
        lineStart = max(lineStart, start)
        // Whether or not the line was scanned before: its CR and LF may have come in two reads.
        while buffer.count - lineStart >= 2, buffer[lineStart] == 0x0D, buffer[lineStart + 1] == 0x0A {
            lineStart += 2
            scanned = max(scanned, lineStart)
            if lineStart - start > maximumHeaderByteCount { throw .headersTooLarge(limit: maximumHeaderByteCount) }
        }
        var index = max(scanned, lineStart)
        while index < buffer.count {
            // A byte past the limit is never looked at: the head is too large whatever it holds,
            // however the bytes arrived (the fuzzer found a bare LF past the limit refused as
            // malformed when read at once and as too large when read in pieces).
            if index - start >= maximumHeaderByteCount { throw .headersTooLarge(limit: maximumHeaderByteCount) }
            if buffer[index] == 0x0A {
                guard index > lineStart, buffer[index - 1] == 0x0D else { throw .malformed("bare LF") }
                if index - lineStart >= 3, buffer[index - 2] == 0x0A, buffer[index - 3] == 0x0D {
                    let byteCount = index + 1 - start
                    guard byteCount <= maximumHeaderByteCount else { throw .headersTooLarge(limit: maximumHeaderByteCount) }
                    let value = try HTTPRequestHead(buffer[lineStart..<(index - 3)])
                    scanned = index + 1
                    return (value, byteCount, index + 1)
                }
            }
            index += 1
        }
        scanned = index
        if buffer.count - start > maximumHeaderByteCount { throw .headersTooLarge(limit: maximumHeaderByteCount) }
        return nil
    }

    private mutating func readBody(of head: HTTPRequestHead, headByteCount: Int, from bodyStart: Int) throws(HTTPParseError) -> ([UInt8], Int)? {
        switch head.framing {
        case .none:
            return ([], bodyStart)
        case .length(let length):
            guard buffer.count - bodyStart >= length else { return nil }
            return (Array(buffer[bodyStart..<(bodyStart + length)]), bodyStart + length)
        case .chunked:
            // Taken out, not copied: a copy would share the body's storage, and the decoder's
            // first write would then copy the whole body on every read (quadratic for a client
            // trickling small chunks).
            guard var decoder = chunked.take() else { return nil }
            defer { chunked = decoder }
            let done = try decoder.advance(buffer, bodyLimit: maximumBodyByteCount, trailerLimit: maximumHeaderByteCount - headByteCount)
            return done ? (decoder.body, decoder.index) : nil
        }
    }

    /// Chunk data already decoded leaves the buffer once it dominates it, so a chunked body is
    /// not held twice while it arrives.
    private mutating func compactConsumedChunks() {
        guard let index = chunked?.index, let current = head else { return }
        let consumed = index - current.bodyStart
        guard consumed > 64 * 1024, consumed * 2 > buffer.count else { return }
        buffer.removeSubrange(current.bodyStart..<index)
        chunked?.shift(by: consumed)
    }

    /// Drops consumed bytes: all of them when nothing is pending (and a large buffer's storage
    /// too), else once they dominate the buffer, so a long kept-alive connection never grows it.
    private mutating func compact() {
        if start == buffer.count {
            if buffer.capacity > 64 * 1024 { buffer = [] } else { buffer.removeAll(keepingCapacity: true) }
            start = 0
            scanned = 0
            lineStart = 0
        } else if start > 64 * 1024, start * 2 > buffer.count {
            buffer.removeFirst(start)
            scanned -= start
            lineStart -= start
            start = 0
        }
    }
}
