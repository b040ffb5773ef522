import Synchronization

/// Request ids and X-Ray trace ids for the emulated services: version-4 UUIDs and
/// `Root=1-…` ids from one generator seeded from the system's randomness once. They name
/// invocations on a developer's machine, where unpredictability buys nothing, and drawing them
/// from the kernel cost four `getrandom` calls on every request.
package enum LocalIdentifier {
    /// The AWS account the emulated services answer as, in ARNs and `AWS::AccountId`.
    package static let accountId = "000000000000"

    private static let state: Atomic<UInt64> = {
        var system = SystemRandomNumberGenerator()
        return Atomic(system.next())
    }()

    /// 64 well-mixed bits (SplitMix64 over a shared counter; safe from any thread).
    static func next() -> UInt64 {
        var z: UInt64 = state.wrappingAdd(0x9E37_79B9_7F4A_7C15, ordering: .relaxed).newValue
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A lowercase version-4 UUID, as Lambda and API Gateway write request ids.
    package static func uuid() -> String {
        let high = (next() & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000
        let low = (next() & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        let hex = hex(high, digits: 16) + hex(low, digits: 16)
        var text = ""
        text.reserveCapacity(36)
        for (index, character) in hex.enumerated() {
            if index == 8 || index == 12 || index == 16 || index == 20 { text.append("-") }
            text.append(character)
        }
        return text
    }

    /// `Root=1-{seconds, 8 hex digits}-{24 hex digits};Sampled=0`, X-Ray's trace id form.
    package static func traceId(seconds: Int) -> String {
        "Root=1-\(hex(UInt64(UInt32(truncatingIfNeeded: seconds)), digits: 8))-\(hex(next() >> 32, digits: 8))\(hex(next(), digits: 16));Sampled=0"
    }

    private static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
