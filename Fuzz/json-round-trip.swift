// libFuzzer target: any bytes to JSONParser; whatever it accepts, JSONWriter writes, and the
// parser reads back as the same value (parse, write, parse again). Built by scripts/fuzz.sh
// together with Sources/RaidHubJSON as one module.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let value = try? JSONParser.parse(bytes) else { return 0 }
    var writer = JSONWriter()
    writer.value(value)
    guard let again = try? JSONParser.parse(writer.bytes) else {
        fatalError("JSONWriter wrote what JSONParser refuses: \(String(decoding: writer.bytes, as: UTF8.self))")
    }
    if again != value { fatalError("round trip changed the value: \(value) became \(again)") }
    return 0
}
