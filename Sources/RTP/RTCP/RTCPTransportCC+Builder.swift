// Building the bridge's own transport-cc feedback toward each sender (colibri2.md §5.3,
// JVB's TccGeneratorNode). Chunk choice is greedy: a run-length chunk for runs of 14 or more
// (7 for large deltas), else a 1-bit vector when the next 14 statuses need no large delta,
// else a 2-bit vector. Two passes over the input (count, then write), nothing allocated.

public import Primitives

extension RTCPTransportCC {
    /// One packet the bridge received: its transport-wide sequence number and arrival time.
    public struct Arrival: Sendable, Equatable {
        /// The transport-wide sequence number from the header extension.
        public var sequenceNumber: UInt16
        /// When the packet arrived.
        public var arrival: Instant
        /// Creates an arrival record.
        public init(sequenceNumber: UInt16, arrival: Instant) {
            self.sequenceNumber = sequenceNumber
            self.arrival = arrival
        }
    }

    /// Writes one feedback packet for `packets` (received packets in ascending wrap-aware sequence
    /// order; gaps become "not received"). Stops early at a packet that is out of order, whose
    /// delta does not fit 16 bits (±8.2 s), or after `maxPackets`; send the rest in the next
    /// feedback. Returns the packet length and how many input packets it covers.
    @inlinable
    public static func write(
        senderSSRC: UInt32, mediaSSRC: UInt32, feedbackPacketCount: UInt8,
        packets: some Collection<Arrival>, maxPackets: Int = 1000,
        into buffer: UnsafeMutableRawBufferPointer
    ) throws(RTPBuildError) -> (length: Int, consumed: Int) {
        guard let first = packets.first else { throw .valueOutOfRange }
        let base = first.sequenceNumber
        let referenceTicks = Int64(first.arrival.nanoseconds / 64_000_000)
        let startTicks = referenceTicks &* 256  // 64 ms = 256 × 250 µs

        // Pass 0: how many packets fit one report.
        var consumed = 0
        var lastOffset = -1
        var previous = startTicks
        for packet in packets {
            let offset = Int(packet.sequenceNumber &- base)
            let ticks = deltaTicks(packet.arrival)
            let delta = ticks &- previous
            guard consumed < maxPackets, offset > lastOffset, offset < 0xFFFF,
                  delta >= Int64(Int16.min), delta <= Int64(Int16.max) else { break }
            consumed &+= 1
            lastOffset = offset
            previous = ticks
        }
        let statusCount = lastOffset &+ 1

        // Pass 1: count chunks and delta bytes.
        var chunkCount = 0
        var deltaBytes = 0
        encode(packets, base: base, startTicks: startTicks, consumed: consumed, statusCount: statusCount,
               chunk: { _ in chunkCount &+= 1 }, delta: { bytes, _ in deltaBytes &+= bytes })

        let unpadded = 20 &+ chunkCount &* 2 &+ deltaBytes
        let length = (unpadded &+ 3) & ~3
        try RTCPFeedback.writeHeader(
            type: RTCPPacketType.transportFeedback, format: RTCPFeedback.transportCCFormat, length: length,
            sender: senderSSRC, media: mediaSSRC, into: buffer)
        buffer.writeUInt16(base, at: 12)
        buffer.writeUInt16(UInt16(truncatingIfNeeded: statusCount), at: 14)
        buffer.writeUInt24(UInt32(truncatingIfNeeded: referenceTicks) & 0xFF_FFFF, at: 16)
        buffer.writeUInt8(feedbackPacketCount, at: 19)

        // Pass 2: write.
        var chunkOffset = 20
        var deltaOffset = 20 &+ chunkCount &* 2
        encode(packets, base: base, startTicks: startTicks, consumed: consumed, statusCount: statusCount,
               chunk: { chunk in
                   buffer.writeUInt16(chunk, at: chunkOffset)
                   chunkOffset &+= 2
               },
               delta: { bytes, value in
                   if bytes == 1 {
                       buffer.writeUInt8(UInt8(truncatingIfNeeded: value), at: deltaOffset)
                   } else {
                       buffer.writeUInt16(UInt16(bitPattern: Int16(truncatingIfNeeded: value)), at: deltaOffset)
                   }
                   deltaOffset &+= bytes
               })
        // RTCP padding (RFC 3550 §6.4.1), as libwebrtc pads transport-cc: P bit, count in the last byte.
        if length > unpadded {
            buffer.zero(unpadded, count: length &- unpadded)
            buffer.writeUInt8(UInt8(length &- unpadded), at: length &- 1)
            buffer[0] |= 0x20
        }
        return (length, consumed)
    }

    /// An arrival time in 250 µs ticks.
    @inlinable static func deltaTicks(_ instant: Instant) -> Int64 { Int64(instant.nanoseconds / 250_000) }

    /// Reads statuses off the sorted input without looking back; positions must not decrease.
    @usableFromInline struct StatusCursor<Packets: Collection<Arrival>> {
        @usableFromInline let packets: Packets
        @usableFromInline let base: UInt16
        @usableFromInline var index: Packets.Index
        @usableFromInline var left: Int
        @usableFromInline var previousTicks: Int64

        @inlinable init(packets: Packets, base: UInt16, index: Packets.Index, left: Int, previousTicks: Int64) {
            self.packets = packets
            self.base = base
            self.index = index
            self.left = left
            self.previousTicks = previousTicks
        }

        /// The symbol at status `position` and, when received, its delta in ticks.
        @inlinable mutating func take(_ position: Int) -> (symbol: UInt8, delta: Int64) {
            guard left > 0 else { return (0, 0) }
            let packet = packets[index]
            guard Int(packet.sequenceNumber &- base) == position else { return (0, 0) }
            let ticks = RTCPTransportCC.deltaTicks(packet.arrival)
            let delta = ticks &- previousTicks
            previousTicks = ticks
            index = packets.index(after: index)
            left &-= 1
            return (delta >= 0 && delta <= 255 ? 1 : 2, delta)
        }
    }

    /// Emits chunks and deltas for statuses 0 ..< `statusCount`.
    @inlinable static func encode<Packets: Collection<Arrival>>(
        _ packets: Packets, base: UInt16, startTicks: Int64, consumed: Int, statusCount: Int,
        chunk: (UInt16) -> Void, delta: (Int, Int64) -> Void
    ) {
        var cursor = StatusCursor(packets: packets, base: base, index: packets.startIndex, left: consumed, previousTicks: startTicks)
        var position = 0
        while position < statusCount {
            let remaining = statusCount &- position
            var look = cursor
            let firstSymbol = look.take(position).symbol
            var run = 1
            while run < Swift.min(remaining, 0x1FFF), look.take(position &+ run).symbol == firstSymbol { run &+= 1 }

            var count: Int
            var word: UInt16
            if run >= 14 || (run >= 7 && firstSymbol == 2) {
                count = run
                word = UInt16(firstSymbol) << 13 | UInt16(run)
            } else {
                var probe = cursor
                count = Swift.min(14, remaining)
                var oneBit = true
                for i in 0..<count {
                    if probe.take(position &+ i).symbol == 2 {
                        oneBit = false
                        break
                    }
                }
                if oneBit {
                    word = 0x8000
                } else {
                    count = Swift.min(7, remaining)
                    word = 0xC000
                }
            }
            for i in 0..<count {
                let (symbol, value) = cursor.take(position &+ i)
                if word & 0x8000 != 0 {
                    word |= word & 0x4000 == 0
                        ? UInt16(symbol) << UInt16(13 &- i)
                        : UInt16(symbol) << UInt16(12 &- 2 &* i)
                }
                if symbol != 0 { delta(Int(symbol), value) }
            }
            chunk(word)
            position &+= count
        }
    }
}
