/// One received packet whose receivers are still to be served: the sender side is done with it
/// (decrypted, parsed, counted), what is left is each receiver's select, rewrite, seal and send.
///
/// With one media thread the engine serves the receivers at once. With several, it keeps the
/// packet until `settleFanOut`, where every media thread serves the receivers of its own lane
/// (`Endpoint.lane`) at the same time. The packet's bytes stay where they were received.
struct FanOutItem {
    enum Target {
        case audio(AudioSource)
        case video(VideoSource)
        /// A padding-only packet of this encoding: receivers close their numbering over it.
        case padding(VideoSource, encodingIndex: Int)
    }

    var packet: IncomingPacket
    let target: Target
    let sender: Endpoint
    let conference: Conference
    let stream: InboundStream
}

/// What serving one packet sent: summed on the stack, added to the thread's share once.
struct FanOutTally {
    var packets: UInt64 = 0
    var bytes: UInt64 = 0

    @inline(__always)
    mutating func count(_ sent: Int) {
        guard sent > 0 else { return }
        packets &+= 1
        bytes &+= UInt64(sent)
    }
}

/// What one media thread did while serving its receivers, kept apart so that the threads share
/// nothing they write: the receiving thread reads it only once every thread is done.
final class FanOutShare {
    private(set) var packetsSent: UInt64 = 0
    private(set) var bytesSent: UInt64 = 0
    /// Per pending packet: whether this thread sent it to any receiver (only such a packet is
    /// cached for NACKs).
    private(set) var forwarded: [Bool] = []
    /// Receivers that got an audio source under a new SSRC slot: they are told the mapping once
    /// the threads are done (the bridge channel belongs to the receiving thread).
    private var newAudioMappings: [(AudioSource, Endpoint)] = []

    /// Starts serving `count` pending packets.
    func begin(count: Int) {
        if forwarded.count < count { forwarded = Array(repeating: false, count: max(count, 64)) }
        for index in 0..<count { forwarded[index] = false }
    }

    /// Adds what serving one packet sent.
    @inline(__always)
    func add(_ tally: FanOutTally) {
        packetsSent &+= tally.packets
        bytesSent &+= tally.bytes
    }

    /// Adds what serving pending packet `index` sent.
    @inline(__always)
    func add(_ tally: FanOutTally, item index: Int) {
        add(tally)
        if tally.packets > 0 { forwarded[index] = true }
    }

    var hasNewAudioMappings: Bool { !newAudioMappings.isEmpty }

    func noteNewAudioMapping(of source: AudioSource, to endpoint: Endpoint) {
        newAudioMappings.append((source, endpoint))
    }

    func takeNewAudioMappings() -> [(AudioSource, Endpoint)] {
        defer { newAudioMappings.removeAll(keepingCapacity: true) }
        return newAudioMappings
    }
}
