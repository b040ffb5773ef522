import Foundation
@testable import RaidHubEmulation
import RaidHubHTTPServer
import Testing

/// The timekeeper behind every invocation's Timeout and integration deadline.
@Suite struct TimekeeperTests {
    @Test func runsAlarmsInDeadlineOrderAndNotCancelledOnes() {
        let keeper = Timekeeper()
        let fired = Locked<[Int]>([])
        let done = DispatchSemaphore(value: 0)
        let now = ContinuousClock.now
        // Scheduled out of order; the earliest is scheduled last, so the sleeping thread must
        // be woken for it.
        _ = keeper.schedule(at: now + .milliseconds(300)) { fired.withLock { $0.append(3) }; done.signal() }
        _ = keeper.schedule(at: now + .milliseconds(200)) { fired.withLock { $0.append(2) } }
        let cancelled = keeper.schedule(at: now + .milliseconds(150)) { fired.withLock { $0.append(99) } }
        _ = keeper.schedule(at: now + .milliseconds(100)) { fired.withLock { $0.append(1) } }
        cancelled.cancel()
        #expect(done.wait(timeout: .now() + 60) == .success)
        #expect(fired.withLock { $0 } == [1, 2, 3])
        let late = ContinuousClock.now - now
        #expect(late >= .milliseconds(300))
        #expect(keeper.scheduledCount == 0)
    }

    /// Manual time moves only when told, and runs what falls due on the way, each at its own
    /// instant, earliest first: alarms an action schedules within the step too.
    @Test func manualTimeRunsWhatFallsDueAsItAdvances() {
        let time = Timekeeper.manual(wallMilliseconds: 1_000)
        let start = time.now
        let fired = Locked<[String]>([])
        @Sendable func note(_ name: String) { fired.withLock { $0.append("\(name)@\(time.wallMilliseconds)") } }
        time.schedule(after: .seconds(3)) { note("three") }
        time.schedule(after: .seconds(1)) {
            note("one")
            time.schedule(after: .milliseconds(500)) { note("nested") }
        }
        let cancelled = time.schedule(after: .seconds(2)) { note("cancelled") }
        cancelled.cancel()
        time.advance(by: .milliseconds(999))
        #expect(fired.withLock { $0 } == [])
        time.advance(by: .seconds(2))
        #expect(fired.withLock { $0 } == ["one@2000", "nested@2500"])
        #expect(time.now - start == .milliseconds(2999))
        #expect(time.wallMilliseconds == 3999)
        time.advance(by: .milliseconds(1))
        #expect(fired.withLock { $0 } == ["one@2000", "nested@2500", "three@4000"])
        #expect(time.scheduledCount == 0)
    }

    @Test func anAlarmInThePastRunsAtOnce() {
        let keeper = Timekeeper()
        let done = DispatchSemaphore(value: 0)
        _ = keeper.schedule(at: .now - .seconds(1)) { done.signal() }
        #expect(done.wait(timeout: .now() + 60) == .success)
    }

    /// What a warm runner does millions of times: an alarm per invocation, cancelled when it
    /// ends in time. Every cancelled alarm leaves the schedule (and drops what it captured).
    @Test func cancelledAlarmsLeaveNothingBehind() {
        let keeper = Timekeeper()
        final class Captured: Sendable {}
        weak var probe: Captured?
        var alarms: [Timekeeper.Alarm] = []
        for index in 0..<50_000 {
            let captured = Captured()
            if index == 0 { probe = captured }
            alarms.append(keeper.schedule(at: .now + .seconds(30 + index % 7)) { _ = captured })
        }
        #expect(keeper.scheduledCount == 50_000)
        for alarm in alarms.shuffled() { alarm.cancel() }
        alarms.removeAll()
        #expect(keeper.scheduledCount == 0)
        #expect(probe == nil, "a cancelled alarm still held what its action captured")
    }

    /// Random schedules and cancellations keep the heap in order: what runs is exactly what was
    /// not cancelled, earliest first.
    @Test func keepsOrderThroughRandomCancellations() {
        let keeper = Timekeeper()
        let fired = Locked<[Int]>([])
        let start = ContinuousClock.now + .milliseconds(200)
        var generator = SystemRandomNumberGenerator()
        var expected: [(Int, Int)] = []
        var alarms: [(Int, Timekeeper.Alarm)] = []
        for index in 0..<400 {
            let offset = Int.random(in: 0..<200, using: &generator)
            alarms.append((index, keeper.schedule(at: start + .milliseconds(offset)) { fired.withLock { $0.append(index) } }))
            expected.append((offset, index))
        }
        let cancelled = Set(alarms.indices.filter { _ in Bool.random(using: &generator) })
        for index in cancelled { alarms[index].1.cancel() }
        let done = DispatchSemaphore(value: 0)
        _ = keeper.schedule(at: start + .milliseconds(400)) { done.signal() }
        #expect(done.wait(timeout: .now() + 60) == .success)
        let kept = expected.filter { !cancelled.contains($0.1) }
        let order = fired.withLock { $0 }
        #expect(Set(order) == Set(kept.map(\.1)))
        // Alarms of distinct deadlines run earliest first (equal ones in any order).
        let offsets = Dictionary(uniqueKeysWithValues: kept.map { ($0.1, $0.0) })
        #expect(zip(order, order.dropFirst()).allSatisfy { offsets[$0]! <= offsets[$1]! })
    }
}
