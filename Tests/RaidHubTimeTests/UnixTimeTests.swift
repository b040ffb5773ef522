import Foundation
import RaidHubTime
import RaidHubTestSupport
import RaidHubTime
import Testing

@Suite struct UnixTimeTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (1_709_508_600_000, "2024-03-03T23:30:00.000Z"),
        (1_712_100_600_000, "2024-04-02T23:30:00.000Z"),
        (951_782_400_000, "2000-02-29T00:00:00.000Z"),
        (-1, "1969-12-31T23:59:59.999Z"),
        (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
        (253_402_300_800_000, "+010000-01-01T00:00:00.000Z"),
        (-62_167_219_200_001, "-000001-12-31T23:59:59.999Z"),
    ])
    func formatsLikeJavaScriptToISOString(milliseconds: Int64, expected: String) {
        #expect(UnixTime(milliseconds: milliseconds).iso8601 == expected)
    }

    /// Differential against Foundation's formatter over random instants from 1970 to 9999.
    @Test func agreesWithFoundation() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        var random = SeededGenerator(seed: 42)
        for _ in 0..<2000 {
            let seconds = Int64.random(in: 0...253_402_300_799, using: &random)
            let millis = Int64.random(in: 0...999, using: &random)
            let time = UnixTime(milliseconds: seconds * 1000 + millis)
            let date = Date(timeIntervalSince1970: TimeInterval(seconds)).addingTimeInterval(TimeInterval(millis) / 1000)
            #expect(time.iso8601 == formatter.string(from: date), "\(time.milliseconds)")
        }
    }

    @Test func neverTrapsAtTheEdges() {
        for milliseconds in [Int64.min, Int64.min + 1, Int64.max, Int64.max - 1] {
            #expect(!UnixTime(milliseconds: milliseconds).iso8601.isEmpty)
        }
        #expect(UnixTime(seconds: .max).milliseconds == .max)
        #expect(UnixTime(milliseconds: -1).seconds == -1)
    }
}
