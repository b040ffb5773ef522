// libFuzzer target: any bytes to JSONParser; whatever it accepts, JSONWriter writes, and the
// parser reads back as the same value (parse, write, parse again). Replayed with FUZZ_EMIT, it
// says what it wrote, which scripts/fuzz-differential.py sets beside Python's json reading of
// the corpus. Built by scripts/fuzz.sh with Sources/RaidHubJSON and Fuzz/Shared/emit.swift.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let value = try? JSONParser.parse(bytes) else {
        if emitting { emit("{\"error\":true}") }
        return 0
    }
    var writer = JSONWriter()
    writer.value(value)
    guard let again = try? JSONParser.parse(writer.bytes) else {
        fatalError("JSONWriter wrote what JSONParser refuses: \(String(decoding: writer.bytes, as: UTF8.self))")
    }
    if again != value { fatalError("round trip changed the value: \(value) became \(again)") }
    if emitting { emit("{\"written\":\(jsonString(String(decoding: writer.bytes, as: UTF8.self)))}") }
    return 0
}
