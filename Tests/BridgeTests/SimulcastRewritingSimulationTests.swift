import Bridge
import Foundation
import Primitives
import RTP
import Testing

/// A VP8 simulcast sender and receivers with and without SSRC rewriting, through the engine on a
/// simulated clock: maps before media, one encoding per receiver chosen by its constraints,
/// continuity across a switch, NACKs on the slot's RTX SSRC, sender reports in slot terms.
@Suite struct SimulcastRewritingSimulationTests {
    /// SSRCs of the sender's three encodings and their RTX partners.
    static let encodings: [UInt32] = [5001, 5002, 5003]
    static let rtx: [UInt32] = [5011, 5012, 5013]
    static let audio: UInt32 = 5000

    static func simulcastSources(_ name: String) -> String {
        let ssma = "urn:xmpp:jingle:apps:rtp:ssma:0"
        let video = (encodings + rtx).map { #"<source xmlns="\#(ssma)" ssrc="\#($0)" name="\#(name)-v0" videoType="camera"/>"# }.joined()
        let fid = zip(encodings, rtx).map { #"<ssrc-group xmlns="\#(ssma)" semantics="FID"><source ssrc="\#($0.0)"/><source ssrc="\#($0.1)"/></ssrc-group>"# }.joined()
        return """
            <sources>
              <media-source type="audio" id="\(name)-a0"><source xmlns="\(ssma)" ssrc="\(audio)" name="\(name)-a0"/></media-source>
              <media-source type="video" id="\(name)-v0">\(video)
                <ssrc-group xmlns="\(ssma)" semantics="SIM">\(encodings.map { #"<source ssrc="\#($0)"/>"# }.joined())</ssrc-group>\(fid)
              </media-source>
            </sources>
            """
    }

    /// A VP8 packet payload: descriptor with X, I (15-bit PictureID), L (TL0PICIDX), T (TID, Y),
    /// then, for a key frame start, the VP8 key-frame header of `height`p (16:9).
    static func vp8Payload(pictureID: UInt16, tl0: UInt8, tid: UInt8, keyframe: Bool, height: Int) -> [UInt8] {
        var bytes: [UInt8] = [0x90 | (keyframe ? 0x00 : 0x00), 0xE0, 0x80 | UInt8(pictureID >> 8 & 0x7F), UInt8(pictureID & 0xFF), tl0, tid << 6 | 0x20]
        bytes[0] = 0x90  // X, S, PID 0
        if keyframe {
            let width = height * 16 / 9
            bytes += [0x50, 0x2A, 0x00, 0x9D, 0x01, 0x2A, UInt8(width & 0xFF), UInt8(width >> 8), UInt8(height & 0xFF), UInt8(height >> 8)]
        } else {
            bytes += [0x51, 0x2A, 0x00]
        }
        return bytes + Array(repeating: 0x77, count: 200)
    }

    /// S sends simulcast; R1 rewrites SSRCs, R2 does not.
    static func call(mediaLanes: Int = 1) throws -> (BridgeSimulation, sender: SimulatedPeer, rewriting: SimulatedPeer, plain: SimulatedPeer) {
        let simulation = try BridgeSimulation(mediaLanes: mediaLanes)
        let sender = try SimulatedPeer(name: "S", address: ForwardingSimulationTests.address(2), ssrcBase: 5000)
        let rewriting = try SimulatedPeer(name: "R1", address: ForwardingSimulationTests.address(3), ssrcBase: 6000)
        let plain = try SimulatedPeer(name: "R2", address: ForwardingSimulationTests.address(4), ssrcBase: 7000)
        try simulation.join(sender, sourcesXML: simulcastSources("S"))
        try simulation.join(rewriting, capabilities: ["ssrc-rewriting"])
        try simulation.join(plain)
        simulation.run(milliseconds: 3000)
        simulation.openBridgeChannels()
        return (simulation, sender, rewriting, plain)
    }

    /// Sends one frame on every encoding (key frames if `keyframe`), `frames` times, 33 ms apart.
    static func sendFrames(_ simulation: BridgeSimulation, _ sender: SimulatedPeer, frames: Int, keyframe: Bool, start: Int) {
        for frame in start..<(start + frames) {
            for (index, ssrc) in encodings.enumerated() {
                let payload = vp8Payload(
                    pictureID: UInt16(frame), tl0: UInt8(truncatingIfNeeded: frame), tid: 0, keyframe: keyframe && frame == start,
                    height: 180 << index)
                sender.sendRTP(ssrc: ssrc, payloadType: 100, sequenceNumber: UInt16(1000 + frame), payload: payload, timestamp: UInt32(frame) * 3000)
            }
            sender.sendRTP(ssrc: audio, payloadType: 111, sequenceNumber: UInt16(frame))
            simulation.deliver()
            simulation.run(milliseconds: 33)
        }
    }

    static func messages(_ simulation: BridgeSimulation, to tag: UInt32, class colibriClass: String) -> [[String: Any]] {
        simulation.events.compactMap { event -> [String: Any]? in
            guard case .sendBridgeChannelMessage(let association, let text) = event, association.rawValue == tag,
                let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
                object["colibriClass"] as? String == colibriClass
            else { return nil }
            return object
        }
    }

    @Test(arguments: [1, 4]) func rewritingReceiverGetsMapsThenOneEncodingUnderItsSlot(mediaLanes: Int) throws {
        let (simulation, sender, rewriting, plain) = try Self.call(mediaLanes: mediaLanes)
        Self.sendFrames(simulation, sender, frames: 10, keyframe: true, start: 0)
        let videoMaps = Self.messages(simulation, to: 2, class: "VideoSourcesMap")
        let mapped = try #require(videoMaps.first?["mappedSources"] as? [[String: Any]])
        let slot = try #require(mapped.first)
        #expect(slot["source"] as? String == "S-v0")
        #expect(slot["owner"] as? String == "S")
        #expect(slot["videoType"] as? String == "CAMERA")
        let slotSSRC = try #require((slot["ssrc"] as? NSNumber)?.uint32Value)
        let slotRTX = try #require((slot["rtx"] as? NSNumber)?.uint32Value)
        #expect(!Self.encodings.contains(slotSSRC) && slotSSRC != slotRTX)
        // Only the slot SSRC carries video to the rewriting receiver, gapless.
        let video = try #require(rewriting.receivedRTP[slotSSRC])
        #expect(video.count >= 9)
        #expect(zip(video, video.dropFirst()).allSatisfy { $1 == $0 &+ 1 })
        for ssrc in Self.encodings { #expect(rewriting.receivedRTP[ssrc] == nil) }
        // Audio under its own slot, announced by AudioSourcesMap.
        let audioMaps = Self.messages(simulation, to: 2, class: "AudioSourcesMap")
        let audioSlot = try #require((audioMaps.first?["mappedSources"] as? [[String: Any]])?.first)
        #expect(audioSlot["source"] as? String == "S-a0")
        let audioSSRC = try #require((audioSlot["ssrc"] as? NSNumber)?.uint32Value)
        #expect(rewriting.receivedRTP[audioSSRC]?.count == 10)
        // The plain receiver gets one encoding projected onto the first SIM SSRC.
        #expect((plain.receivedRTP[Self.encodings[0]]?.count ?? 0) >= 9)
        #expect(plain.receivedRTP[Self.encodings[1]] == nil && plain.receivedRTP[Self.encodings[2]] == nil)
        #expect(plain.receivedRTP[Self.audio]?.count == 10)
        #expect(Self.messages(simulation, to: 3, class: "VideoSourcesMap").isEmpty)
        #expect(!Self.messages(simulation, to: 2, class: "ForwardedSources").isEmpty)
    }

    @Test(arguments: [1, 4]) func constraintsSwitchEncodingAtAKeyframeWithoutAGap(mediaLanes: Int) throws {
        let (simulation, sender, rewriting, plain) = try Self.call(mediaLanes: mediaLanes)
        Self.sendFrames(simulation, sender, frames: 40, keyframe: true, start: 0)
        let slotSSRC = try #require(
            ((Self.messages(simulation, to: 2, class: "VideoSourcesMap").first?["mappedSources"] as? [[String: Any]])?.first?["ssrc"] as? NSNumber)?.uint32Value)
        let before = try #require(rewriting.receivedPackets.last { Self.ssrc($0) == slotSSRC })
        simulation.sendBridgeChannel(
            #"{"colibriClass":"ReceiverVideoConstraints","defaultConstraints":{"maxHeight":0},"constraints":{"S-v0":{"maxHeight":180}}}"#,
            from: rewriting)
        simulation.run(milliseconds: 10)
        // A PLI asks the sender for the 180p encoding's key frame.
        #expect(sender.receivedRTCP.contains { Self.isPLI($0, for: Self.encodings[0]) })
        let countBefore = rewriting.receivedRTP[slotSSRC]?.count ?? 0
        Self.sendFrames(simulation, sender, frames: 5, keyframe: false, start: 40)
        Self.sendFrames(simulation, sender, frames: 5, keyframe: true, start: 45)
        let after = rewriting.receivedPackets.filter { Self.ssrc($0) == slotSSRC }
        #expect(after.count == countBefore + 10)
        let sequences = after.map { Self.sequence($0) }
        #expect(zip(sequences, sequences.dropFirst()).allSatisfy { $1 == $0 &+ 1 }, "no gap across the switch")
        let last = try #require(after.last)
        #expect(Self.timestamp(last) > Self.timestamp(before))
        // The switched stream's PictureIDs continue from the old one's.
        let pictureIDs = after.suffix(11).map { Self.pictureID($0) }
        #expect(zip(pictureIDs, pictureIDs.dropFirst()).allSatisfy { $1 == ($0 &+ 1) & 0x7FFF })
        // S is told the highest height anyone wants of its source: 720 while R2 wants it, then 180.
        #expect(Self.messages(simulation, to: 1, class: "SenderSourceConstraints").last?["maxHeight"] as? Int == 720)
        simulation.sendBridgeChannel(
            #"{"colibriClass":"ReceiverVideoConstraints","defaultConstraints":{"maxHeight":0},"constraints":{"S-v0":{"maxHeight":180}}}"#,
            from: plain)
        simulation.run(milliseconds: 10)
        let told = try #require(Self.messages(simulation, to: 1, class: "SenderSourceConstraints").last)
        #expect(told["sourceName"] as? String == "S-v0")
        #expect(told["maxHeight"] as? Int == 180)
    }

    @Test func paddingOnTheForwardedEncodingLeavesNoGap() throws {
        let (simulation, sender, _, plain) = try Self.call()
        Self.sendFrames(simulation, sender, frames: 5, keyframe: true, start: 0)
        // A bandwidth probe: padding only, on the forwarded (720p) encoding, between frames.
        sender.sendRTP(ssrc: Self.encodings[2], payloadType: 100, sequenceNumber: 1005, payload: [], timestamp: 4 * 3000)
        simulation.deliver()
        for frame in 5..<10 {
            for (index, ssrc) in Self.encodings.enumerated() {
                let payload = Self.vp8Payload(pictureID: UInt16(frame), tl0: UInt8(frame), tid: 0, keyframe: false, height: 180 << index)
                sender.sendRTP(ssrc: ssrc, payloadType: 100, sequenceNumber: UInt16(1001 + frame), payload: payload, timestamp: UInt32(frame) * 3000)
            }
            simulation.deliver()
        }
        let sequences = try #require(plain.receivedRTP[Self.encodings[0]])
        #expect(sequences.count >= 9)
        #expect(zip(sequences, sequences.dropFirst()).allSatisfy { $1 == $0 &+ 1 }, "\(sequences)")
    }

    @Test func rtxCopiesOfReceivedPacketsAreProbesNotMedia() throws {
        let (simulation, sender, _, plain) = try Self.call()
        Self.sendFrames(simulation, sender, frames: 5, keyframe: true, start: 0)
        let before = plain.receivedPackets.count
        // libwebrtc probes by resending a recent packet on RTX: original sequence number first.
        let original = Self.vp8Payload(pictureID: 3, tl0: 3, tid: 0, keyframe: false, height: 720)
        sender.sendRTP(ssrc: Self.rtx[2], payloadType: 96, sequenceNumber: 77, payload: [0x03, 0xEB] + original, timestamp: 3 * 3000)
        simulation.deliver()
        #expect(plain.receivedPackets.count == before)
        let drops = simulation.engine.statistics().drops["duplicate_retransmission"] ?? 0
        #expect(drops == 1)
    }

    /// libwebrtc probes its bandwidth by resending recent packets on RTX, key frames' first
    /// packets among them. A receiver just switched down must not be switched at such a copy:
    /// the rest of that key frame went by before it, unforwarded, and would be a hole in the
    /// receiver's numbering that it NACKs in vain (Chromium did: hundreds of NACKs the bridge
    /// could not answer, and a frozen picture until the next key frame). The copy of a packet that
    /// arrived is dropped before any receiver sees it; a real repair (the first packet was lost on
    /// the uplink) is taken and still starts no switch.
    @Test(arguments: [true, false]) func anRTXCopyOfAKeyframeStartsNoSwitch(firstPacketArrived: Bool) throws {
        let (simulation, sender, rewriting, _) = try Self.call()
        Self.sendFrames(simulation, sender, frames: 10, keyframe: true, start: 0)
        let slotSSRC = try #require(
            ((Self.messages(simulation, to: 2, class: "VideoSourcesMap").first?["mappedSources"] as? [[String: Any]])?.first?["ssrc"] as? NSNumber)?.uint32Value)
        let keyStart = Self.vp8Payload(pictureID: 10, tl0: 10, tid: 0, keyframe: true, height: 180)
        var keyRest = Self.vp8Payload(pictureID: 10, tl0: 10, tid: 0, keyframe: false, height: 180)
        keyRest[0] = 0x80  // not the start of the frame
        /// Frame `frame` on the 720p and 360p encodings (numbered as `sendFrames` does).
        func upperEncodings(frame: Int) {
            for index in 1...2 {
                let payload = Self.vp8Payload(pictureID: UInt16(frame), tl0: UInt8(frame), tid: 0, keyframe: false, height: 180 << index)
                sender.sendRTP(ssrc: Self.encodings[index], payloadType: 100, sequenceNumber: UInt16(1000 + frame), payload: payload, timestamp: UInt32(frame) * 3000)
            }
        }
        // A 180p key frame in three packets while R1 is still sent 720p: nobody takes it.
        for (offset, payload) in [keyStart, keyRest, keyRest].enumerated() where firstPacketArrived || offset > 0 {
            sender.sendRTP(ssrc: Self.encodings[0], payloadType: 100, sequenceNumber: UInt16(1010 + offset), payload: payload, timestamp: 10 * 3000)
        }
        upperEncodings(frame: 10)
        simulation.deliver()
        simulation.sendBridgeChannel(
            #"{"colibriClass":"ReceiverVideoConstraints","defaultConstraints":{"maxHeight":0},"constraints":{"S-v0":{"maxHeight":180}}}"#,
            from: rewriting)
        simulation.run(milliseconds: 10)
        // The probe: the key frame's first packet again, on RTX (original sequence number first).
        sender.sendRTP(ssrc: Self.rtx[0], payloadType: 96, sequenceNumber: 50, payload: [0x03, 0xF2] + keyStart, timestamp: 10 * 3000)
        simulation.deliver()
        // A delta frame, then the key frame the switch waits for.
        let delta = Self.vp8Payload(pictureID: 11, tl0: 11, tid: 0, keyframe: false, height: 180)
        sender.sendRTP(ssrc: Self.encodings[0], payloadType: 100, sequenceNumber: 1013, payload: delta, timestamp: 11 * 3000)
        upperEncodings(frame: 11)
        simulation.deliver()
        simulation.run(milliseconds: 33)
        let key = Self.vp8Payload(pictureID: 12, tl0: 12, tid: 0, keyframe: true, height: 180)
        sender.sendRTP(ssrc: Self.encodings[0], payloadType: 100, sequenceNumber: 1014, payload: key, timestamp: 12 * 3000)
        upperEncodings(frame: 12)
        simulation.deliver()
        let received = rewriting.receivedPackets.filter { Self.ssrc($0) == slotSSRC }
        let sequences = received.map { Self.sequence($0) }
        #expect(zip(sequences, sequences.dropFirst()).allSatisfy { $1 == $0 &+ 1 }, "a hole in \(sequences)")
        let statistics = simulation.engine.statistics()
        #expect(statistics.drops["duplicate_retransmission", default: 0] == (firstPacketArrived ? 1 : 0))
        #expect(statistics.retransmissionRequestsRecovered == (firstPacketArrived ? 0 : 1))
        // Frame 0 three times (R1 climbs from 180p to 720p on its key frames), 720p frames 1–11
        // (the last two while the 180p key frame is awaited), then that key frame, frame 12.
        #expect(received.count == 15)
        let pictureIDs = received.map { Self.pictureID($0) }
        #expect(zip(pictureIDs, pictureIDs.dropFirst()).allSatisfy { $1 == ($0 &+ 1) & 0x7FFF }, "\(pictureIDs)")
    }

    @Test(arguments: [1, 4]) func nackOnTheSlotIsAnsweredOnTheSlotRTX(mediaLanes: Int) throws {
        let (simulation, sender, rewriting, _) = try Self.call(mediaLanes: mediaLanes)
        Self.sendFrames(simulation, sender, frames: 10, keyframe: true, start: 0)
        let slot = try #require((Self.messages(simulation, to: 2, class: "VideoSourcesMap").first?["mappedSources"] as? [[String: Any]])?.first)
        let slotSSRC = try #require((slot["ssrc"] as? NSNumber)?.uint32Value)
        let slotRTX = try #require((slot["rtx"] as? NSNumber)?.uint32Value)
        let lost = try #require(rewriting.receivedRTP[slotSSRC]?[4])
        rewriting.receivedPackets.removeAll()
        rewriting.sendRTCP(try SecuritySimulationTests.nack(sender: rewriting.videoSSRC, media: slotSSRC, lost: [lost]))
        simulation.deliver()
        let resent = try #require(rewriting.receivedPackets.first { Self.ssrc($0) == slotRTX })
        // RTX payload starts with the slot's (rewritten) sequence number.
        let offset = try resent.withUnsafeBytes { try RTPHeaderView(parsing: $0).payloadOffset }
        #expect(UInt16(resent[offset]) << 8 | UInt16(resent[offset + 1]) == lost)
    }

    /// Only a forwarded packet can be NACKed, so an encoding nobody is sent takes no packet
    /// cache: with both receivers at 180p one cache exists, a receiver asking for 720p adds the
    /// 720p encoding's from its key frame on, and once nobody is sent 720p its cache goes when
    /// its last packet is too old to answer a NACK.
    @Test func onlyForwardedEncodingsAreCached() throws {
        let (simulation, sender, rewriting, plain) = try Self.call()
        let oneCache = RTPPacketCache().allocatedBytes
        for receiver in [rewriting, plain] {
            simulation.sendBridgeChannel(
                #"{"colibriClass":"ReceiverVideoConstraints","defaultConstraints":{"maxHeight":0},"constraints":{"S-v0":{"maxHeight":180}}}"#,
                from: receiver)
        }
        simulation.run(milliseconds: 10)
        Self.sendFrames(simulation, sender, frames: 10, keyframe: true, start: 0)
        #expect((plain.receivedRTP[Self.encodings[0]]?.count ?? 0) >= 9)
        #expect(simulation.engine.statistics().packetCacheBytes == oneCache)
        simulation.sendBridgeChannel(
            #"{"colibriClass":"ReceiverVideoConstraints","defaultConstraints":{"maxHeight":0},"constraints":{"S-v0":{"maxHeight":720}}}"#,
            from: rewriting)
        simulation.run(milliseconds: 10)
        Self.sendFrames(simulation, sender, frames: 5, keyframe: true, start: 10)
        #expect(simulation.engine.statistics().packetCacheBytes == 2 * oneCache)
        simulation.sendBridgeChannel(
            #"{"colibriClass":"ReceiverVideoConstraints","defaultConstraints":{"maxHeight":0},"constraints":{"S-v0":{"maxHeight":180}}}"#,
            from: rewriting)
        simulation.run(milliseconds: 10)
        Self.sendFrames(simulation, sender, frames: 20, keyframe: true, start: 15)
        #expect(simulation.engine.statistics().packetCacheBytes == 2 * oneCache, "kept while its packets may be NACKed")
        Self.sendFrames(simulation, sender, frames: 60, keyframe: false, start: 35)
        #expect(simulation.engine.statistics().packetCacheBytes == oneCache)
    }

    /// After a switch to 180p, the 720p packets the receiver lost before it are not resent: it
    /// decodes from the 180p key frame, and on the congested link that caused the switch the
    /// repairs would queue ahead of that key frame. Packets of the 180p encoding still are.
    @Test func nacksForAnEncodingLeftBehindAreNotAnswered() throws {
        let (simulation, sender, rewriting, _) = try Self.call()
        Self.sendFrames(simulation, sender, frames: 10, keyframe: true, start: 0)
        let slot = try #require((Self.messages(simulation, to: 2, class: "VideoSourcesMap").first?["mappedSources"] as? [[String: Any]])?.first)
        let slotSSRC = try #require((slot["ssrc"] as? NSNumber)?.uint32Value)
        let slotRTX = try #require((slot["rtx"] as? NSNumber)?.uint32Value)
        let lostBefore = try #require(rewriting.receivedRTP[slotSSRC]?[4])
        simulation.sendBridgeChannel(
            #"{"colibriClass":"ReceiverVideoConstraints","defaultConstraints":{"maxHeight":0},"constraints":{"S-v0":{"maxHeight":180}}}"#,
            from: rewriting)
        simulation.run(milliseconds: 10)
        Self.sendFrames(simulation, sender, frames: 5, keyframe: true, start: 10)
        let lostAfter = try #require(rewriting.receivedRTP[slotSSRC]?.last)
        rewriting.receivedPackets.removeAll()
        rewriting.sendRTCP(try SecuritySimulationTests.nack(sender: rewriting.videoSSRC, media: slotSSRC, lost: [lostBefore, lostAfter]))
        simulation.deliver()
        let resent = rewriting.receivedPackets.filter { Self.ssrc($0) == slotRTX }
        #expect(resent.count == 1)
        let offset = try #require(try resent.first?.withUnsafeBytes { try RTPHeaderView(parsing: $0).payloadOffset })
        #expect(resent.first.map { UInt16($0[offset]) << 8 | UInt16($0[offset + 1]) } == lostAfter)
        #expect(simulation.engine.statistics().drops["retransmission_superseded"] == 1)
    }

    static func ssrc(_ packet: [UInt8]) -> UInt32 { packet.withUnsafeBytes { (try? RTPHeaderView(parsing: $0).ssrc) ?? 0 } }
    static func sequence(_ packet: [UInt8]) -> UInt16 { packet.withUnsafeBytes { (try? RTPHeaderView(parsing: $0).sequenceNumber) ?? 0 } }
    static func timestamp(_ packet: [UInt8]) -> UInt32 { packet.withUnsafeBytes { (try? RTPHeaderView(parsing: $0).timestamp) ?? 0 } }
    static func pictureID(_ packet: [UInt8]) -> UInt16 {
        packet.withUnsafeBytes { bytes in
            guard let header = try? RTPHeaderView(parsing: bytes) else { return 0 }
            let payload = UnsafeRawBufferPointer(rebasing: bytes[header.payloadOffset..<(header.payloadOffset + header.payloadLength)])
            return (try? VP8PayloadDescriptor(parsing: payload).pictureID) ?? nil ?? 0
        }
    }
    static func isPLI(_ compound: [UInt8], for ssrc: UInt32) -> Bool {
        compound.withUnsafeBytes { bytes in
            var packets = RTCPCompoundIterator(bytes)
            while let packet = try? packets.next() {
                if case .pli(let pli) = packet, pli.mediaSSRC == ssrc { return true }
            }
            return false
        }
    }
}
