/// What the receivers of a run were owed in the measured window, what of it they got, and which
/// video layers the SFU chose to forward them.
///
/// A selective forwarder (our bridge and JVB, Janus VideoRoom too) sends each receiver audio and
/// ONE simulcast encoding per remote video sender, with the temporal layers up to a target: which
/// ones depends on the receiver's constraints and bandwidth budget and on the layers' bitrates, so
/// the harness does not predict it. It reads it from what arrived: for each receiver and remote
/// sender, the layer whose packets came is the one owed, every packet of it in the window, in each
/// temporal layer up to the highest that came. When a receiver got two layers of one sender in
/// the window (the forwarder switched), each sub-stream is owed only the packets between the
/// first and last that came, by the stamps' counters, less those skipped while another layer of
/// that sender came (switched away and back), and the pair is counted in `switchedPairs`; loss
/// at the window's edges goes unseen for such a pair.
/// A receiver that got no video of a sender is owed the layer it could have got at least: the
/// lowest (the top for Janus, which forwards that by default), counted in `missingPairs`.
/// The floor forwards everything to everyone and is owed every layer.
///
/// Audio is owed whole, except that our bridge, like JVB, drops silence: the fifth and later
/// packets of a run of level-127 ones (stamped `BenchStamp.droppableSilence`) are not owed by it.
struct LossAccount {
    var expected = 0
    var receivedExpected = 0
    /// The audio part of `expected` and `receivedExpected`.
    var audioExpected = 0
    var audioReceived = 0
    /// Packets that should never have reached a receiver: its own, or another conference's.
    var unexpected = 0
    /// Receiver × remote video sender pairs by the one layer they got (index 0 = lowest).
    var layerPairs: [Int]
    /// Single-layer pairs by the highest temporal layer they got.
    var temporalPairs = [Int](repeating: 0, count: BenchStamp.temporalLayers)
    /// Pairs that got more than one layer in the window.
    var switchedPairs = 0
    /// Pairs that got no video in the window.
    var missingPairs = 0

    init(layers: Int) {
        layerPairs = [Int](repeating: 0, count: layers)
    }

    var lost: Int { expected - receivedExpected }

    /// Adds one receiving peer connection. `sent` counts measured packets per sub-stream
    /// (`BenchStamp.substream`) over the whole run.
    mutating func add(_ received: ReceiveStats, conference: Int, participant: Int, plan: LoadPlan, sent: [Int], sfu: SFUKind) {
        let layers = layerPairs.count
        for owner in plan.participants {
            let base = owner.index * MediaSender.streamsPerSender
            let substreams = BenchStamp.substream(base, temporal: 0)..<BenchStamp.substream(base + MediaSender.streamsPerSender, temporal: 0)
            guard owner.index != participant, owner.conference == conference else {
                unexpected += received.measured[substreams].reduce(0, +)
                continue
            }
            let before = (expected, receivedExpected)
            owe(all: BenchStamp.substream(base, temporal: 0), received, sent)
            if sfu != .meetpad { owe(all: BenchStamp.substream(base, temporal: BenchStamp.droppableSilence), received, sent) }
            audioExpected += expected - before.0
            audioReceived += receivedExpected - before.1
            guard owner.sendsVideo, layers > 0 else { continue }
            let layerSubstreams = (0..<layers).map { layer in
                BenchStamp.substream(base + 1 + layer, temporal: 0)..<BenchStamp.substream(base + 2 + layer, temporal: 0)
            }
            if sfu == .floor {
                for range in layerSubstreams { for substream in range { owe(all: substream, received, sent) } }
                continue
            }
            let got = layerSubstreams.indices.filter { received.measured[layerSubstreams[$0]].contains { $0 > 0 } }
            switch got.count {
            case 0:
                missingPairs += 1
                let owed = layerSubstreams[sfu == .janus ? layers - 1 : 0]
                expected += sent[owed].reduce(0, +)
            case 1:
                let layer = got[0]
                let range = layerSubstreams[layer]
                let top = range.last { received.measured[$0] > 0 } ?? range.lowerBound
                for substream in range.lowerBound...top { owe(all: substream, received, sent) }
                layerPairs[layer] += 1
                temporalPairs[top - range.lowerBound] += 1
            default:
                switchedPairs += 1
                for layer in got {
                    for substream in layerSubstreams[layer] where received.measured[substream] > 0 {
                        let span = Int(received.lastCounter[substream] &- received.firstCounter[substream]) + 1
                            - received.switchGaps[substream]
                        expected += span
                        receivedExpected += min(received.measured[substream], span)
                    }
                }
            }
        }
    }

    /// Adds a receiving connection counted from its RTP headers: what arrived and the gaps
    /// between (no layer or audio/video split).
    mutating func add(counted tally: HeaderTally) {
        expected += tally.packets + tally.lost
        receivedExpected += tally.packets
    }

    /// Every measured packet sent on `substream` is owed.
    private mutating func owe(all substream: Int, _ received: ReceiveStats, _ sent: [Int]) {
        expected += sent[substream]
        receivedExpected += min(received.measured[substream], sent[substream])
    }
}
