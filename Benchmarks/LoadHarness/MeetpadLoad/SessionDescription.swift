import DTLS
import Foundation
import ICE
import Primitives

/// The parts of an SDP from Janus a load peer needs: ICE credentials, fingerprint, setup role,
/// host candidates, and the m-lines (kind, port, mid, payload types with their rtpmap).
struct SessionDescription {
    struct MediaLine {
        var kind: String
        var port: Int
        var proto: String
        var formats: [String]
        var mid = ""
        var rtpmap: [String: String] = [:]
    }

    var ufrag = ""
    var password = ""
    var fingerprint = ""
    var setup = "actpass"
    var candidates: [PeerAddress] = []
    var media: [MediaLine] = []
    /// The text as received, for error messages.
    let raw: String

    init(parsing sdp: String) {
        raw = sdp
        for raw in sdp.split(whereSeparator: \.isNewline) {
            let line = String(raw)
            if line.hasPrefix("m=") {
                let parts = line.dropFirst(2).split(separator: " ").map(String.init)
                guard parts.count >= 3 else { continue }
                media.append(MediaLine(kind: parts[0], port: Int(parts[1]) ?? 0, proto: parts[2], formats: Array(parts.dropFirst(3))))
            } else if line.hasPrefix("a=ice-ufrag:") {
                ufrag = String(line.dropFirst(12))
            } else if line.hasPrefix("a=ice-pwd:") {
                password = String(line.dropFirst(10))
            } else if line.hasPrefix("a=fingerprint:sha-256 ") {
                fingerprint = String(line.dropFirst(22)).trimmingCharacters(in: .whitespaces)
            } else if line.hasPrefix("a=setup:") {
                setup = String(line.dropFirst(8))
            } else if line.hasPrefix("a=mid:"), !media.isEmpty {
                media[media.count - 1].mid = String(line.dropFirst(6))
            } else if line.hasPrefix("a=rtpmap:"), !media.isEmpty {
                let parts = line.dropFirst(9).split(separator: " ", maxSplits: 1).map(String.init)
                if parts.count == 2 { media[media.count - 1].rtpmap[parts[0]] = parts[1] }
            } else if line.hasPrefix("a=candidate:") {
                // foundation component transport priority ip port typ type
                let parts = line.dropFirst(12).split(separator: " ").map(String.init)
                guard parts.count >= 8, parts[1] == "1", parts[2].lowercased() == "udp", let port = UInt16(parts[5]),
                    let address = PeerAddress(host: parts[4], port: port), address.family == .ipv4,
                    !candidates.contains(address) else { continue }
                candidates.append(address)
            }
        }
    }

    /// The payload type whose rtpmap starts with `encoding` (case-insensitive) in `line`.
    static func payloadType(_ line: MediaLine, _ encoding: String) -> String? {
        line.formats.first { (line.rtpmap[$0] ?? "").lowercased().hasPrefix(encoding.lowercased() + "/") }
    }
}

/// SDP the load peers send to Janus: a sendonly offer (audio + simulcast VP8 with RTX, bundled,
/// rtcp-mux) for publishers, and a recvonly answer mirroring Janus's offer for subscribers.
enum SDPWriter {
    static func transportLines(_ peer: LoadPeer, setup: String) -> String {
        guard let ice = peer.ice else { return "" }
        return "a=ice-ufrag:\(ice.localCredentials.ufrag)\r\na=ice-pwd:\(ice.localCredentials.password)\r\n"
            + "a=fingerprint:sha-256 \(peer.certificate.fingerprint.value)\r\na=setup:\(setup)\r\na=rtcp-mux\r\n"
            + "a=candidate:1 1 udp 2130706431 \(peer.localAddress.host) \(peer.localAddress.port) typ host\r\na=end-of-candidates\r\n"
    }

    static func header(_ peer: LoadPeer, bundle: [String]) -> String {
        "v=0\r\no=- \(peer.localAddress.port)\(peer.participant) 2 IN IP4 \(peer.localAddress.host)\r\ns=-\r\nt=0 0\r\n"
            + "a=group:BUNDLE \(bundle.joined(separator: " "))\r\na=msid-semantic: WMS\r\n"
    }

    static func publisherOffer(_ peer: LoadPeer, sender: MediaSender) -> String {
        let cname = "load-\(sender.participant)"
        let c = "c=IN IP4 \(peer.localAddress.host)\r\n"
        var sdp = header(peer, bundle: sender.sendsVideo ? ["0", "1"] : ["0"])
        sdp += "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n" + c + transportLines(peer, setup: "actpass")
        sdp += "a=mid:0\r\na=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\na=sendonly\r\na=msid:\(cname) \(cname)-a0\r\n"
        sdp += "a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n"
        sdp += "a=ssrc:\(sender.audioSSRC) cname:\(cname)\r\na=ssrc:\(sender.audioSSRC) msid:\(cname) \(cname)-a0\r\n"
        guard sender.sendsVideo else { return sdp }
        sdp += "m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\n" + c + transportLines(peer, setup: "actpass")
        sdp += "a=mid:1\r\na=sendonly\r\na=msid:\(cname) \(cname)-v0\r\n"
        sdp += "a=rtpmap:96 VP8/90000\r\na=rtcp-fb:96 ccm fir\r\na=rtcp-fb:96 nack\r\na=rtcp-fb:96 nack pli\r\n"
        sdp += "a=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n"
        if sender.videoSSRCs.count > 1 {
            sdp += "a=ssrc-group:SIM " + sender.videoSSRCs.map(String.init).joined(separator: " ") + "\r\n"
        }
        for (video, rtx) in zip(sender.videoSSRCs, sender.rtxSSRCs) { sdp += "a=ssrc-group:FID \(video) \(rtx)\r\n" }
        for ssrc in sender.videoSSRCs + sender.rtxSSRCs {
            sdp += "a=ssrc:\(ssrc) cname:\(cname)\r\na=ssrc:\(ssrc) msid:\(cname) \(cname)-v0\r\n"
        }
        return sdp
    }

    /// Accepts every audio (Opus) and video (VP8) m-line, recvonly; rejects anything else.
    static func subscriberAnswer(_ peer: LoadPeer, offer: SessionDescription) -> String {
        let accepted = offer.media.filter { line in
            line.port != 0 && ((line.kind == "audio" && SessionDescription.payloadType(line, "opus") != nil)
                || (line.kind == "video" && SessionDescription.payloadType(line, "VP8") != nil))
        }
        var sdp = header(peer, bundle: accepted.map(\.mid))
        for line in offer.media {
            let codec = line.kind == "audio" ? "opus" : "VP8"
            guard line.port != 0, line.kind == "audio" || line.kind == "video", let pt = SessionDescription.payloadType(line, codec) else {
                sdp += "m=\(line.kind) 0 \(line.proto) \(line.formats.first ?? "0")\r\nc=IN IP4 0.0.0.0\r\na=mid:\(line.mid)\r\na=inactive\r\n"
                continue
            }
            sdp += "m=\(line.kind) 9 UDP/TLS/RTP/SAVPF \(pt)\r\nc=IN IP4 \(peer.localAddress.host)\r\n" + transportLines(peer, setup: "active")
            sdp += "a=mid:\(line.mid)\r\na=recvonly\r\na=rtpmap:\(pt) \(line.rtpmap[pt] ?? "")\r\n"
            if line.kind == "video" { sdp += "a=rtcp-fb:\(pt) nack\r\na=rtcp-fb:\(pt) nack pli\r\n" }
        }
        return sdp
    }
}
