import RaidHubHTTPServer
import Testing

/// `Locked` keeps its value and its mutex in one buffer: a copy shares both, and the value goes
/// exactly once, with the last copy.
struct LockedTests {
    final class Tracked: @unchecked Sendable {
        let gone: Locked<Int>
        init(_ gone: Locked<Int>) { self.gone = gone }
        deinit { gone.withLock { $0 += 1 } }
    }

    @Test func aCopySharesTheValueAndTheValueGoesOnceWithTheLastCopy() {
        let gone = Locked(0)
        do {
            let locked = Locked([Tracked(gone)])
            let copy = locked
            copy.withLock { $0.append(Tracked(gone)) }
            #expect(locked.withLock { $0.count } == 2)
            #expect(gone.withLock { $0 } == 0)
        }
        #expect(gone.withLock { $0 } == 2)
    }

    @Test func aThrowingBodyLeavesTheLockFree() {
        struct Refused: Error {}
        let locked = Locked(1)
        #expect(throws: Refused.self) { try locked.withLock { (_: inout Int) throws(Refused) in throw Refused() } }
        #expect(locked.withLock { $0 } == 1)  // would never return with the lock still held
    }
}
