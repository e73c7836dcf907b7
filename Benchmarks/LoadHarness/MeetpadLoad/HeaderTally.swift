/// One receiving connection's measured-window packets counted from the clear RTP header (SRTP
/// encrypts the payload only): per SSRC, the packets and the gaps in their sequence numbers.
/// Every forwarder measured keeps an outgoing SSRC's numbers continuous (over layer switches and
/// dropped temporal layers alike), so a gap is a loss, unless a silence-dropping forwarder left
/// out those audio packets (`SilenceLedger`). With `--decrypt-sample` this replaces the per-stream
/// accounting from the encrypted stamps, so receiving costs a header read, not a decryption.
final class HeaderTally {
    private struct Stream {
        var ssrc: UInt32
        var highest: UInt16
        var silence: SilenceLedger?
    }

    /// Sized for what a receiver of a few senders gets, so no packet grows it.
    private var streams: [Stream] = []
    private let silenceLedgers: [UInt32: SilenceLedger]
    private(set) var packets = 0
    private(set) var bytes = 0
    /// Padding-only packets (a forwarder probing the receiver's bandwidth): not media, not counted.
    private(set) var padding = 0
    private(set) var lost = 0
    /// Packets that arrived after a later one of their stream (each had been counted lost).
    private(set) var late = 0

    /// `silenceLedgers`: per audio SSRC whose silence the forwarder may drop.
    init(silenceLedgers: [UInt32: SilenceLedger]) {
        self.silenceLedgers = silenceLedgers
        streams.reserveCapacity(64)
    }

    /// Counts one protected RTP packet of `length` bytes (its header is in clear).
    @inline(__always)
    func record(_ packet: UnsafeRawPointer, length: Int) {
        guard length >= 12 else { return }
        let first = packet.load(as: UInt8.self)
        if first & 0x20 != 0 {
            padding += 1
            return
        }
        let sequence = UInt16(bigEndian: packet.loadUnaligned(fromByteOffset: 2, as: UInt16.self))
        let ssrc = UInt32(bigEndian: packet.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        packets += 1
        bytes += length
        guard let index = streams.firstIndex(where: { $0.ssrc == ssrc }) else {
            streams.append(Stream(ssrc: ssrc, highest: sequence, silence: silenceLedgers[ssrc]))
            return
        }
        let step = Int16(bitPattern: sequence &- streams[index].highest)
        if step > 0 {
            var missing = streams[index].highest &+ 1
            while missing != sequence {
                if streams[index].silence?.isDroppable(missing) != true { lost += 1 }
                missing &+= 1
            }
            streams[index].highest = sequence
        } else if step < 0 {
            late += 1
            lost = max(0, lost - 1)
        }
    }
}
