extension UnixTime {
    /// `2024-03-03T23:30:00.000Z`: ISO 8601 in UTC with milliseconds, as JavaScript's
    /// `Date.prototype.toISOString` writes it (years outside 0...9999 get more digits and a sign).
    public var iso8601: String {
        let (days, millisecondOfDay) = Self.floorDivide(milliseconds, 86_400_000)
        let (year, month, day) = Self.civilDate(daysSinceEpoch: days)
        var text = ""
        text.reserveCapacity(24)
        if year < 0 || year > 9999 {
            text += year < 0 ? "-" : "+"
            text += Self.padded(year.magnitude, width: 6)
        } else {
            text += Self.padded(UInt64(year), width: 4)
        }
        text += "-" + Self.padded(UInt64(month), width: 2) + "-" + Self.padded(UInt64(day), width: 2)
        text += "T" + Self.padded(UInt64(millisecondOfDay / 3_600_000), width: 2)
        text += ":" + Self.padded(UInt64(millisecondOfDay / 60_000 % 60), width: 2)
        text += ":" + Self.padded(UInt64(millisecondOfDay / 1000 % 60), width: 2)
        text += "." + Self.padded(UInt64(millisecondOfDay % 1000), width: 3) + "Z"
        return text
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }

    /// Howard Hinnant's `civil_from_days`: the proleptic Gregorian date of a day count, exact for
    /// every day an `Int64` of milliseconds can reach.
    private static func civilDate(daysSinceEpoch days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468  // days since 0000-03-01
        let (era, dayOfEra) = floorDivide(shifted, 146_097)
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153  // March = 0
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    private static func padded(_ value: UInt64, width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
