// libFuzzer target: any bytes as a YAML document: the reader returns a node or refuses with a
// YAMLError, never traps, and reads the same text the same way twice. (PyYAML comparisons are
// in the test suite, over the corpus this target grows.) Built by scripts/fuzz.sh with
// Sources/RaidHubYAML as one module.

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
    return 0
}
