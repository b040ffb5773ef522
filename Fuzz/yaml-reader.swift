// libFuzzer target: any bytes as a YAML document: the reader returns a node or refuses with a
// YAMLError, never traps, and reads the same text the same way twice. Replayed with FUZZ_EMIT,
// it says what it read, which scripts/fuzz-differential.py sets beside PyYAML's reading of the
// corpus. Built by scripts/fuzz.sh with Sources/RaidHubYAML and Fuzz/Shared/emit.swift.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let first = Result { () throws(YAMLError) in try YAMLReader.read(text) }
    let second = Result { () throws(YAMLError) in try YAMLReader.read(text) }
    switch (first, second) {
    case (.success(let a), .success(let b)): if a != b { fatalError("read twice, read differently") }
    case (.failure(let a), .failure(let b)): if a.message != b.message { fatalError("refused twice, for different reasons") }
    default: fatalError("read once, refused once")
    }
    if emitting {
        switch first {
        case .success(let node): emit("{\"value\":\(plain(node))}")
        case .failure(let error): emit("{\"error\":\(jsonString(error.message))}")
        }
    }
    return 0
}

/// The node as JSON, as PyYAML's BaseLoader reads it with tags as `{"!Tag": value}`.
private func plain(_ node: YAMLNode) -> String {
    switch node {
    case .scalar(let text): jsonString(text ?? "")
    case .sequence(let items): "[" + items.map(plain).joined(separator: ",") + "]"
    case .mapping(let entries): "{" + entries.map { jsonString($0.key) + ":" + plain($0.value) }.joined(separator: ",") + "}"
    case .tagged(let tag, let value): "{" + jsonString(tag) + ":" + plain(value) + "}"
    }
}
