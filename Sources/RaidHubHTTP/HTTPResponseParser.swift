import Foundation

/// Reads HTTP/1.1 responses from the bytes of a client connection (status line, headers, a
/// Content-Length or chunked body). The client side of `HTTPRequestParser`.
public struct HTTPResponseParser: Sendable {
    /// A response as read.
    public struct Response: Sendable, Equatable {
        /// The status code.
        public var status: Int
        /// Header fields in order.
        public var headers: [HTTPField]
        /// The body, de-chunked.
        public var body: [UInt8]

        /// The first field named `name`, compared case-insensitively.
        public func header(_ name: String) -> String? {
            headers.first(named: name)
        }
    }

    private var buffer: [UInt8] = []
    private let maximumBodyByteCount: Int

    /// A parser accepting bodies up to `maximumBodyByteCount`.
    public init(maximumBodyByteCount: Int = 6 * 1024 * 1024 + 1024) {
        self.maximumBodyByteCount = maximumBodyByteCount
    }

    /// Adds received bytes.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        buffer.append(contentsOf: bytes)
    }

    /// The next complete response, nil when more bytes are needed.
    public mutating func next() throws(HTTPParseError) -> Response? {
        guard let headEnd = (0..<max(0, buffer.count - 3)).first(where: {
            buffer[$0] == 0x0D && buffer[$0 + 1] == 0x0A && buffer[$0 + 2] == 0x0D && buffer[$0 + 3] == 0x0A
        }) else {
            if buffer.count > 64 * 1024 { throw .headersTooLarge(limit: 64 * 1024) }
            return nil
        }
        let lines = String(decoding: buffer[..<headEnd], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
            throw .malformed("status line")
        }
        var headers: [HTTPField] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { throw .malformed("header field") }
            headers.append(HTTPField(name: String(line[..<colon]), value: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        let response = Response(status: status, headers: headers, body: [])
        let bodyStart = headEnd + 4
        let body: [UInt8]
        let end: Int
        if response.header("transfer-encoding")?.lowercased() == "chunked" {
            guard let (chunked, after) = try ChunkedBody.read(buffer, from: bodyStart, limit: maximumBodyByteCount) else { return nil }
            (body, end) = (chunked, after)
        } else {
            let length = Int(response.header("content-length") ?? "0") ?? -1
            guard length >= 0 else { throw .malformed("Content-Length") }
            guard length <= maximumBodyByteCount else { throw .bodyTooLarge(limit: maximumBodyByteCount) }
            guard buffer.count - bodyStart >= length else { return nil }
            (body, end) = (Array(buffer[bodyStart..<(bodyStart + length)]), bodyStart + length)
        }
        buffer.removeFirst(end)
        return Response(status: status, headers: headers, body: body)
    }
}
