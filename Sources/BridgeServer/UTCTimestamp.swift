import CMediaSocket

/// Wall-clock time in JVB's stats format, `yyyy-MM-dd HH:mm:ss.SSS` in UTC. Only the control
/// shells read the wall clock; the media path uses the monotonic clock.
enum UTCTimestamp {
    /// Now, formatted.
    static func now() -> String { format(millisecondsSinceEpoch: ms_realtime_ms()) }

    /// Formats milliseconds since 1970-01-01T00:00:00Z.
    static func format(millisecondsSinceEpoch: UInt64) -> String {
        let seconds = millisecondsSinceEpoch / 1000
        let (year, month, day) = civilDate(daysSinceEpoch: Int64(seconds / 86_400))
        let secondOfDay = seconds % 86_400
        func pad(_ value: some BinaryInteger, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2)) \(pad(secondOfDay / 3600, 2)):"
            + "\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(millisecondsSinceEpoch % 1000, 3))"
    }

    /// Days since the epoch to a proleptic Gregorian date (Howard Hinnant's days_from_civil
    /// inverse: eras of 400 years, March-based years so leap days fall at the end).
    static func civilDate(daysSinceEpoch days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
