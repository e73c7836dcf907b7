/// A named audio source of an endpoint (`<endpoint>-a0`), one SSRC.
final class AudioSource {
    /// Unique within the engine, never reused: keys receivers' per-source state.
    let key: Int
    let name: String
    /// The sending endpoint; weak because receivers' projections may outlive it briefly.
    weak var owner: Endpoint?
    /// The sending endpoint's id (what maps name as `owner`).
    let ownerID: String
    let ssrc: UInt32
    /// Drops runs of silent packets as JVB does (after three).
    var silence = SilentAudioFilter()

    init(key: Int, name: String, owner: Endpoint, ssrc: UInt32) {
        self.key = key
        self.name = name
        self.owner = owner
        ownerID = owner.id
        self.ssrc = ssrc
    }
}
