import Foundation
@testable import RaidHubLocalRunner
import Testing

@Suite struct GatewayEventTests {
    /// The hand-made time format agrees with Foundation's formatter.
    @Test func formatsRequestTimeLikeAPIGateway() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "dd/MMM/yyyy:HH:mm:ss Z"
        #expect(GatewayEvent.clfDate(Date(timeIntervalSince1970: 1_709_508_600)) == "03/Mar/2024:23:30:00 +0000")
        for seconds in stride(from: 0.0, to: 4_102_444_800, by: 7_654_321.5) {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(GatewayEvent.clfDate(date) == formatter.string(from: date))
        }
    }
}
