// What a target says about each input when replayed for a differential check
// (scripts/fuzz-differential.py): with FUZZ_EMIT set, one JSON line per input on standard
// output, which the script sets beside what an independent implementation (Python's json,
// PyYAML, h11) makes of the same bytes. Compiled into the targets that have such a reference.

import Glibc

/// Whether this run replays inputs for a differential check.
let emitting = getenv("FUZZ_EMIT") != nil

/// Writes one line for the current input.
func emit(_ line: String) {
    print(line)
    fflush(stdout)
}

/// `text` as a JSON string, every control character and non-ASCII scalar escaped, so the line
/// is ASCII whatever the input held.
func jsonString(_ text: String) -> String {
    var out = "\""
    for unit in text.utf16 {
        switch unit {
        case 0x22: out += "\\\""
        case 0x5C: out += "\\\\"
        case 0x20..<0x7F: out += String(UnicodeScalar(UInt8(unit)))
        default:
            let hex = String(unit, radix: 16)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        }
    }
    return out + "\""
}
