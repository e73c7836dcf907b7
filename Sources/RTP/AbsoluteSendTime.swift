public import Primitives

/// The abs-send-time header extension's value (webrtc.org experiments, `abs-send-time`): when the
/// packet left its last hop, as 24-bit 6.18 fixed-point seconds. Receivers without transport-cc
/// estimate bandwidth from how these times spread against arrival, so each hop stamps its own.
public enum AbsoluteSendTime {
    /// The element's data length in bytes.
    public static let length = 3

    /// The value of the element whose data starts at `offset` of `packet` (3 bytes, checked by
    /// the caller).
    @inlinable public static func value(in packet: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
        packet.readUInt24(offset)
    }

    /// `instant` as (seconds × 2^18) mod 2^24, so the value wraps every 64 s. Whole seconds and
    /// the fraction are scaled apart: nanoseconds shifted by 18 would overflow after 19.5 hours of
    /// uptime, and dividing to microseconds first would lose precision.
    @inlinable public static func value(at instant: Instant) -> UInt32 {
        let seconds = instant.nanoseconds / 1_000_000_000
        let fraction = instant.nanoseconds % 1_000_000_000
        let value = (seconds & 0x3F) << 18 | (fraction << 18) / 1_000_000_000
        return UInt32(truncatingIfNeeded: value)
    }
}
