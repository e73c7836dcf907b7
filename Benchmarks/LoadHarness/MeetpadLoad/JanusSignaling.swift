import DTLS
import Foundation
import ICE
import Primitives

/// Drives Janus VideoRoom over its HTTP API (janus.transport.http): one Janus session, a room
/// per conference, a handle per peer connection. Publishers `joinandconfigure` with our offer
/// and take Janus's answer; subscribers `join` (ptype subscriber, the room's other feeds), answer
/// Janus's offer and `start`. Asynchronous replies are read from the session's long poll.
final class JanusSignaling {
    let http: HTTPClient
    private(set) var session: Int64 = 0
    private var pending: [[String: Any]] = []
    private var transactionCounter = 0

    init(http: HTTPClient) { self.http = http }

    func createSession() throws(LoadError) {
        let reply = try call("/janus", ["janus": "create"])
        guard let id = Self.int((reply["data"] as? [String: Any])?["id"]) else { throw .signaling("janus create: \(reply)") }
        session = id
    }

    func attach() throws(LoadError) -> Int64 {
        let reply = try call("/janus/\(session)", ["janus": "attach", "plugin": "janus.plugin.videoroom"])
        guard let id = Self.int((reply["data"] as? [String: Any])?["id"]) else { throw .signaling("janus attach: \(reply)") }
        return id
    }

    func createRoom(_ room: Int, publishers: Int, handle: Int64) throws(LoadError) {
        let body: [String: Any] = [
            "request": "create", "room": room, "publishers": publishers, "audiocodec": "opus", "videocodec": "vp8",
            "bitrate": 0, "fir_freq": 0, "notify_joining": false, "permanent": false,
        ]
        let reply = try call("/janus/\(session)/\(handle)", ["janus": "message", "body": body])
        let data = (reply["plugindata"] as? [String: Any])?["data"] as? [String: Any]
        guard data?["videoroom"] as? String == "created" else { throw .signaling("janus create room \(room): \(reply)") }
    }

    func destroyRoom(_ room: Int, handle: Int64) {
        _ = try? call("/janus/\(session)/\(handle)", ["janus": "message", "body": ["request": "destroy", "room": room]])
    }

    func destroySession() {
        guard session != 0 else { return }
        _ = try? call("/janus/\(session)", ["janus": "destroy"])
    }

    /// Publishes `peer`'s media in `room`; returns the feed id and starts the peer's ICE.
    func publish(_ peer: LoadPeer, sender: MediaSender, room: Int, now: () -> Instant) throws(LoadError) -> Int64 {
        let handle = try attach()
        let offer = SDPWriter.publisherOffer(peer, sender: sender)
        let event = try message(handle, body: ["request": "joinandconfigure", "room": room, "ptype": "publisher", "display": peer.name],
                                jsep: ["type": "offer", "sdp": offer])
        let data = (event["plugindata"] as? [String: Any])?["data"] as? [String: Any]
        guard let feed = Self.int(data?["id"]), let jsep = event["jsep"] as? [String: Any], let sdp = jsep["sdp"] as? String else {
            throw .signaling("janus publish \(peer.name): \(event)")
        }
        let answer = SessionDescription(parsing: sdp)
        // a=setup:active in the answer makes Janus the DTLS client, so we serve.
        try start(peer, remote: answer, dtlsRole: answer.setup == "active" ? .server : .client, now: now())
        return feed
    }

    /// Subscribes `peer` to `feeds` in `room` and starts its ICE.
    func subscribe(_ peer: LoadPeer, feeds: [Int64], room: Int, now: () -> Instant) throws(LoadError) {
        let handle = try attach()
        let event = try message(handle, body: ["request": "join", "room": room, "ptype": "subscriber",
                                               "streams": feeds.map { ["feed": $0] }], jsep: nil)
        guard let jsep = event["jsep"] as? [String: Any], let sdp = jsep["sdp"] as? String else {
            throw .signaling("janus subscribe \(peer.name): \(event)")
        }
        let offer = SessionDescription(parsing: sdp)
        let answer = SDPWriter.subscriberAnswer(peer, offer: offer)
        _ = try message(handle, body: ["request": "start"], jsep: ["type": "answer", "sdp": answer])
        try start(peer, remote: offer, dtlsRole: .client, now: now())
    }

    private func start(_ peer: LoadPeer, remote: SessionDescription, dtlsRole: DTLSRole, now: Instant) throws(LoadError) {
        guard let fingerprint = DTLSFingerprint(hashFunction: "sha-256", value: remote.fingerprint) else {
            throw .signaling("janus SDP for \(peer.name) has no sha-256 fingerprint: \(remote.raw)")
        }
        try peer.connect(remote: ICECredentials(ufrag: remote.ufrag, password: remote.password), candidates: remote.candidates,
                         fingerprint: fingerprint, dtlsRole: dtlsRole, now: now)
    }

    /// Sends a plugin message and waits for its asynchronous event (or takes a synchronous reply).
    private func message(_ handle: Int64, body: [String: Any], jsep: [String: Any]?) throws(LoadError) -> [String: Any] {
        var request: [String: Any] = ["janus": "message", "body": body]
        if let jsep { request["jsep"] = jsep }
        let transaction = nextTransaction()
        let reply = try call("/janus/\(session)/\(handle)", request, transaction: transaction)
        if reply["janus"] as? String == "ack" { return try waitEvent(transaction: transaction) }
        return reply
    }

    private func waitEvent(transaction: String) throws(LoadError) -> [String: Any] {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let index = pending.firstIndex(where: { $0["transaction"] as? String == transaction && $0["janus"] as? String == "event" }) {
                let event = pending.remove(at: index)
                if let data = (event["plugindata"] as? [String: Any])?["data"] as? [String: Any], data["error"] != nil {
                    throw .signaling("janus: \(data["error"] ?? "")")
                }
                return event
            }
            let response = try http.get("/janus/\(session)?maxev=10&rid=\(nextTransaction())")
            let parsed = try? JSONSerialization.jsonObject(with: Data(response.body.utf8))
            if let list = parsed as? [[String: Any]] { pending += list } else if let one = parsed as? [String: Any] { pending.append(one) }
            // Keep only what a later wait could want.
            pending.removeAll { $0["janus"] as? String != "event" }
        }
        throw .signaling("janus: no event for transaction \(transaction) within 30 s")
    }

    private func nextTransaction() -> String {
        transactionCounter += 1
        return "t\(transactionCounter)"
    }

    private func call(_ path: String, _ body: [String: Any], transaction: String? = nil) throws(LoadError) -> [String: Any] {
        var body = body
        body["transaction"] = transaction ?? nextTransaction()
        guard let data = try? JSONSerialization.data(withJSONObject: body) else { throw .signaling("janus: cannot encode \(body)") }
        let response = try http.post(path, body: String(decoding: data, as: UTF8.self), contentType: "application/json")
        guard response.status == 200, let reply = (try? JSONSerialization.jsonObject(with: Data(response.body.utf8))) as? [String: Any] else {
            throw .signaling("janus \(path): HTTP \(response.status) \(response.body.prefix(300))")
        }
        if reply["janus"] as? String == "error" { throw .signaling("janus \(path): \(reply["error"] ?? "")") }
        return reply
    }

    static func int(_ value: Any?) -> Int64? {
        if let number = value as? NSNumber { return number.int64Value }
        if let text = value as? String { return Int64(text) }
        return nil
    }
}
