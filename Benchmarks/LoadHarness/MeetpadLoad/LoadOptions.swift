import Foundation

/// Which SFU a run loads.
enum SFUKind: String, Sendable {
    /// Our bridge, driven over HTTP Colibri2 as jicofo would.
    case meetpad
    /// Janus VideoRoom, driven over its HTTP API.
    case janus
    /// meetpad-floor: fixed keys, no ICE/DTLS, forwards everything to every registered receiver.
    case floor
}

/// The simulated conference (docs/benchmark.md "Scenarios").
enum Scenario: String, Sendable {
    /// One sender (audio + simulcast video) to N receivers.
    case s1
    /// C conferences × P participants, everyone sending audio + video, everyone receiving everyone.
    case s2
    /// One conference of P audio-only senders with speech bursts and silence, everyone receiving.
    case s3
}

/// Command-line flags of meetpad-load, validated before anything starts.
struct LoadOptions: Sendable {
    var sfu = SFUKind.meetpad
    var scenario = Scenario.s1
    var receivers = 10
    /// S1: independent 1 → N conferences side by side (the capacity run adds groups).
    var groups = 1
    var conferences = 5
    var participants = 4
    /// Number of the first conference (meeting id / Janus room): concurrent runs against one SFU
    /// (scripts/soak.py) need disjoint ranges, or they would join each other's conferences.
    var firstConference = 0
    var durationSeconds = 10.0
    var warmupSeconds = 2.0
    var videoKbps = [150, 500, 1800]
    var audioKbps = 32
    var frameRate = 30
    var keyframeSeconds = 1.0
    /// Every sender's periodic key frame at the same moment (a key-frame storm each period),
    /// instead of each at its own place in the period as independent clients send them.
    var alignedKeyframes = false
    /// Video is paced at this multiple of the sender's video bitrate with bursts of up to 40 ms
    /// of that rate, as libwebrtc paces (`SendPacer`); 0 puts every frame on the wire in one go.
    var pacingFactor = 2.5
    /// Every sender's audio and frame clocks within 10 ms of each other's, instead of each at its
    /// own phase as independent clients' are.
    var alignedFrames = false
    var simulcast = true
    /// Our bridge's Colibri2 HTTP endpoint, Janus's HTTP API, or the floor's UDP port.
    var host = "127.0.0.1"
    var httpPort: UInt16 = 8080
    var floorPort: UInt16 = 0
    /// The address our sockets bind to (Janus needs the veth's 127/8 address; docs/benchmark.md).
    var bindHost = "127.0.0.1"
    var sfuPID: Int32 = 0
    var cpu = -1
    var json: String?
    var label = ""
    var quiet = false
    var connectTimeoutSeconds = 30.0
    var floorProfile = "gcm"
    /// 0: receivers decrypt every packet and account loss per stream and layer from the stamps
    /// (`LossAccount`). K > 0: they count packets from the clear RTP header, loss from sequence
    /// gaps (`HeaderTally`), and decrypt one packet in K to prove the media real and sample the
    /// latency, so the generator stays well below the SFU's cost per packet at capacity.
    var decryptSample = 0
    /// Read the sockets at most once per this many µs (0: whenever one is readable). Larger
    /// batches per recvmmsg at high packet rates; the latency comes from the kernel's receive
    /// timestamps, so waiting to read does not add to it.
    var readIntervalMicroseconds = 0

    static let usage = """
        usage: meetpad-load --sfu meetpad|janus|floor --scenario s1|s2|s3 [flags]
          --receivers N          S1 receivers (1...2000)                       default 10
          --groups G             S1: G conferences of 1 sender → N receivers   default 1
          --conferences C        S2 conferences                                default 5
          --participants P       S2 participants per conference / S3 senders   default 4
          --first-conference K   number conferences (meeting ids, rooms) from K default 0
          --duration S           measured seconds                              default 10
          --warmup S             seconds of media before measuring             default 2
          --video-kbps a,b,c     simulcast layer bitrates, low to high         default 150,500,1800
          --no-simulcast         one video layer (the last bitrate)
          --audio-kbps K         Opus bitrate                                  default 32
          --fps F                video frame rate                              default 30
          --keyframe S           keyframe interval in seconds                  default 1
          --aligned-keyframes    every sender's key frame at once (a storm each period)
          --pacing-factor F      pace video at F × its bitrate, 40 ms bursts      default 2.5
                                 (0: every frame in one go)
          --aligned-frames       every sender's frames within 10 ms of each other
          --host IP              SFU address                                   default 127.0.0.1
          --http-port P          Colibri2 (meetpad) or Janus HTTP port         default 8080
          --floor-port P         meetpad-floor UDP port
          --floor-profile gcm|cm SRTP profile for the floor                    default gcm
          --bind IP              local address of the simulated peers          default 127.0.0.1
          --sfu-pid PID          SFU process to measure (CPU, RSS)
          --cpu K                pin this process to CPU K
          --json FILE            write the result as JSON
          --label TEXT           free text copied into the JSON
          --decrypt-sample K     count from the clear RTP header, decrypt 1 in K
                                 (0: decrypt and account every packet)         default 0
          --read-interval-us U   read the sockets at most every U µs           default 0
          --quiet                no live progress line
        """

    /// Parses `arguments` (without the program name); throws a message for anything impossible.
    static func parse(_ arguments: [String]) throws(LoadError) -> LoadOptions {
        var options = LoadOptions()
        var index = 0
        func value(_ flag: String) throws(LoadError) -> String {
            index += 1
            guard index < arguments.count else { throw .usage("\(flag) needs a value") }
            return arguments[index]
        }
        func integer(_ flag: String) throws(LoadError) -> Int {
            let text = try value(flag)
            guard let number = Int(text) else { throw .usage("\(flag) wants an integer, got '\(text)'") }
            return number
        }
        func number(_ flag: String) throws(LoadError) -> Double {
            let text = try value(flag)
            guard let number = Double(text), number.isFinite else { throw .usage("\(flag) wants a number, got '\(text)'") }
            return number
        }
        while index < arguments.count {
            let flag = arguments[index]
            switch flag {
            case "--sfu":
                let text = try value(flag)
                guard let kind = SFUKind(rawValue: text) else { throw .usage("--sfu must be meetpad, janus or floor") }
                options.sfu = kind
            case "--scenario":
                let text = try value(flag).lowercased()
                guard let scenario = Scenario(rawValue: text) else { throw .usage("--scenario must be s1, s2 or s3") }
                options.scenario = scenario
            case "--receivers": options.receivers = try integer(flag)
            case "--groups": options.groups = try integer(flag)
            case "--conferences": options.conferences = try integer(flag)
            case "--participants": options.participants = try integer(flag)
            case "--first-conference": options.firstConference = try integer(flag)
            case "--duration": options.durationSeconds = try number(flag)
            case "--warmup": options.warmupSeconds = try number(flag)
            case "--video-kbps":
                let text = try value(flag)
                let parts = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
                guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }) else { throw .usage("--video-kbps wants integers like 150,500,1800") }
                options.videoKbps = parts.compactMap { $0 }
            case "--no-simulcast": options.simulcast = false
            case "--audio-kbps": options.audioKbps = try integer(flag)
            case "--fps": options.frameRate = try integer(flag)
            case "--keyframe": options.keyframeSeconds = try number(flag)
            case "--aligned-keyframes": options.alignedKeyframes = true
            case "--pacing-factor": options.pacingFactor = try number(flag)
            case "--aligned-frames": options.alignedFrames = true
            case "--host": options.host = try value(flag)
            case "--http-port": options.httpPort = try port(try integer(flag), flag)
            case "--floor-port": options.floorPort = try port(try integer(flag), flag)
            case "--floor-profile":
                options.floorProfile = try value(flag)
                guard ["gcm", "cm"].contains(options.floorProfile) else { throw .usage("--floor-profile must be gcm or cm") }
            case "--bind": options.bindHost = try value(flag)
            case "--sfu-pid": options.sfuPID = Int32(clamping: try integer(flag))
            case "--cpu": options.cpu = try integer(flag)
            case "--json": options.json = try value(flag)
            case "--label": options.label = try value(flag)
            case "--decrypt-sample": options.decryptSample = try integer(flag)
            case "--read-interval-us": options.readIntervalMicroseconds = try integer(flag)
            case "--quiet": options.quiet = true
            case "--help", "-h": throw .usage("")
            default: throw .usage("unknown flag '\(flag)'")
            }
            index += 1
        }
        try options.validate()
        return options
    }

    private static func port(_ value: Int, _ flag: String) throws(LoadError) -> UInt16 {
        guard (1...65535).contains(value) else { throw .usage("\(flag) must be 1...65535, got \(value)") }
        return UInt16(value)
    }

    /// Peers this run creates: each needs its own UDP port from the ephemeral range.
    var socketCount: Int {
        switch scenario {
        case .s1: return groups * (1 + receivers)
        case .s2: return conferences * participants * (sfu == .janus ? 2 : 1)
        case .s3: return participants * (sfu == .janus ? 2 : 1)
        }
    }

    /// Refuses what cannot run: empty or oversized conferences, zero rates, more sockets than ports.
    func validate() throws(LoadError) {
        switch scenario {
        case .s1:
            // Bounded before socketCount multiplies them.
            guard (1...2000).contains(receivers) else { throw .usage("--receivers must be 1...2000, got \(receivers)") }
            guard (1...2000).contains(groups) else { throw .usage("--groups must be 1...2000, got \(groups)") }
        case .s2:
            guard conferences >= 1 else { throw .usage("--conferences must be at least 1, got \(conferences)") }
            guard participants >= 2 else { throw .usage("--participants must be at least 2 for S2, got \(participants)") }
        case .s3:
            guard participants >= 2 else { throw .usage("--participants must be at least 2 for S3, got \(participants)") }
        }
        // Linux's default ephemeral range 32768-60999 holds 28232 ports; leave room for the SFU's.
        let available = 28_000
        guard socketCount <= min(available, 2000) else {
            throw .usage("this run needs \(socketCount) UDP ports (one per peer connection); the limit is 2000 (ephemeral range \(available))")
        }
        guard (0...1_000_000).contains(firstConference) else { throw .usage("--first-conference must be 0...1000000, got \(firstConference)") }
        guard durationSeconds > 0, durationSeconds <= 3600 else { throw .usage("--duration must be in (0, 3600] seconds") }
        guard warmupSeconds >= 0, warmupSeconds <= 600 else { throw .usage("--warmup must be in [0, 600] seconds") }
        guard audioKbps >= 6, audioKbps <= 510 else { throw .usage("--audio-kbps must be 6...510 (Opus), got \(audioKbps)") }
        guard videoKbps.allSatisfy({ $0 >= 1 && $0 <= 50_000 }) else {
            throw .usage("--video-kbps values must be 1...50000, got \(videoKbps.map(String.init).joined(separator: ","))")
        }
        guard videoKbps.count <= 3 else { throw .usage("--video-kbps takes at most 3 simulcast layers") }
        guard frameRate >= 1, frameRate <= 120 else { throw .usage("--fps must be 1...120, got \(frameRate)") }
        guard keyframeSeconds > 0 else { throw .usage("--keyframe must be positive") }
        // Below 1 the pacer could never drain what the encoder produces.
        guard pacingFactor == 0 || (pacingFactor >= 1 && pacingFactor <= 100) else { throw .usage("--pacing-factor must be 0 or 1...100") }
        guard (0...1_000_000).contains(decryptSample) else { throw .usage("--decrypt-sample must be 0...1000000, got \(decryptSample)") }
        guard (0...100_000).contains(readIntervalMicroseconds) else {
            throw .usage("--read-interval-us must be 0...100000, got \(readIntervalMicroseconds)")
        }
        if sfu == .floor {
            guard scenario == .s1 else { throw .usage("the floor forwards one sender only: use --scenario s1") }
            guard floorPort != 0 else { throw .usage("--sfu floor needs --floor-port") }
        }
    }

    /// Video layers actually sent, low to high.
    var layerKbps: [Int] { simulcast ? videoKbps : [videoKbps.last ?? 1800] }
}

/// Why a run could not start or finish; printed as one line.
enum LoadError: Error, CustomStringConvertible {
    case usage(String)
    case setup(String)
    case signaling(String)

    var description: String {
        switch self {
        case .usage(let text): return text.isEmpty ? LoadOptions.usage : "meetpad-load: \(text)\n\n\(LoadOptions.usage)"
        case .setup(let text): return "meetpad-load: setup failed: \(text)"
        case .signaling(let text): return "meetpad-load: signaling failed: \(text)"
        }
    }
}
