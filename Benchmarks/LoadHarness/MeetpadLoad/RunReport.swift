import Foundation

/// Turns a finished run into the figures of docs/benchmark.md and writes them as JSON.
enum RunReport {
    static func make(_ run: LoadRun, _ outcome: LoadRun.Outcome) -> [String: Any] {
        let options = run.options
        let layers = options.layerKbps.count
        var sentMeasured = [Int](repeating: 0, count: run.plan.streamCount * BenchStamp.temporalLayers)
        for (_, sender) in run.senders {
            let base = BenchStamp.substream(sender.streamBase, temporal: 0)
            for (offset, count) in sender.sentMeasured.enumerated() { sentMeasured[base + offset] += count }
        }
        var account = LossAccount(layers: layers)
        var forwarded = 0, forwardedBytes = 0, unstamped = 0, decryptFailures = 0, rtcp = 0, decrypted = 0, padding = 0
        for peer in run.peers {
            guard let stats = peer.received else { continue }
            unstamped += stats.unstamped
            decryptFailures += stats.decryptFailures
            rtcp += stats.rtcp
            if let tally = peer.tally {
                forwarded += tally.packets
                forwardedBytes += tally.bytes
                padding += tally.padding
                decrypted += stats.packets
                account.add(counted: tally)
            } else {
                forwarded += stats.measuredPackets
                forwardedBytes += stats.measuredBytes
                account.add(stats, conference: peer.conference, participant: peer.participant, plan: run.plan, sent: sentMeasured, sfu: options.sfu)
            }
        }
        let cpu = Double(outcome.after.scheduledNanoseconds - outcome.before.scheduledNanoseconds) / 1e9
        let ticks = outcome.after.tickSeconds - outcome.before.tickSeconds
        let wall = max(outcome.wallSeconds, 1e-9)
        let generatorPercent = 100 * outcome.generatorCPUSeconds / wall
        let threads = SFUProbe.threadCPU(from: outcome.before, to: outcome.after).map { thread -> [String: Any] in
            ["name": thread.name, "cpu_s": thread.seconds, "percent": 100 * thread.seconds / wall]
        }
        let profiles = Set(run.peers.map(\.profileName)).filter { !$0.isEmpty }.sorted()
        let endpoints = run.peers.count
        var report: [String: Any] = [
            "sfu": options.sfu.rawValue,
            "scenario": options.scenario.rawValue,
            "label": options.label,
            "receivers": options.scenario == .s1 ? options.receivers : run.plan.participants.count,
            "groups": options.scenario == .s1 ? options.groups : 0,
            "loss_counted_from": options.decryptSample > 0 ? "rtp-headers" : "stamps",
            "decrypt_sample": options.decryptSample,
            "decrypted_packets": decrypted,
            "padding_packets": padding,
            "conferences": run.plan.conferences,
            "participants": run.plan.participants.count,
            "peer_connections": endpoints,
            "layers_kbps": options.layerKbps,
            "audio_kbps": options.audioKbps,
            "fps": options.frameRate,
            "pacing_factor": options.pacingFactor,
            "aligned_frames": options.alignedFrames,
            "aligned_keyframes": options.alignedKeyframes,
            "duration_s": wall,
            "connect_s": outcome.connectSeconds,
            "srtp_profiles": profiles,
            "sent_packets": sentMeasured.reduce(0, +),
            "expected_packets": account.expected,
            "received_expected_packets": account.receivedExpected,
            "lost_packets": account.lost,
            "loss_percent": account.expected > 0 ? 100 * Double(account.lost) / Double(account.expected) : 0,
            "unexpected_packets": account.unexpected,
            "video_layer_heights": (0..<layers).map { Int(MediaSender.frameSize(layer: $0, of: layers).height) },
            "video_layer_pairs": account.layerPairs,
            "video_temporal_pairs": account.temporalPairs,
            "video_switched_pairs": account.switchedPairs,
            "video_missing_pairs": account.missingPairs,
            "unstamped_packets": unstamped,
            "decrypt_failures": decryptFailures,
            "rtcp_packets": rtcp,
            "send_failures": run.peers.reduce(0) { $0 + $1.sendFailures },
            "forwarded_packets": forwarded,
            "forwarded_bytes": forwardedBytes,
            "forwarded_pps": Double(forwarded) / wall,
            "forwarded_mbps": Double(forwardedBytes) * 8 / wall / 1e6,
            "sfu_pid": Int(options.sfuPID),
            "sfu_cpu_s": cpu,
            "sfu_cpu_ticks_s": ticks,
            "sfu_cpu_percent": 100 * cpu / wall,
            "sfu_threads": outcome.after.threads,
            "sfu_thread_cpu": threads,
            "pps_per_cpu_s": cpu > 0 ? Double(forwarded) / cpu : 0,
            "cpu_us_per_packet": forwarded > 0 ? cpu * 1e6 / Double(forwarded) : 0,
            "latency_p50_us": run.histogram.quantileMicroseconds(0.50),
            "latency_p99_us": run.histogram.quantileMicroseconds(0.99),
            "latency_max_us": Double(run.histogram.maximumNanoseconds) / 1000,
            "latency_samples": run.histogram.count,
            "rss_idle_kb": outcome.idle.rssKB,
            "rss_kb": outcome.after.rssKB,
            "rss_peak_kb": outcome.after.peakRSSKB,
            "generator_cpu_percent": generatorPercent,
            "generator_saturated": generatorPercent > 70,
            "udp_drops": outcome.udpDrops,
            "socket_drops": outcome.socketDrops,
            "steal_percent": outcome.stealPercent,
            "aborted": outcome.aborted,
        ]
        if options.decryptSample == 0 {
            report["lost_audio_packets"] = account.audioExpected - account.audioReceived
            report["lost_video_packets"] = account.lost - (account.audioExpected - account.audioReceived)
        }
        if let failure = outcome.failure { report["failure"] = failure }
        return report
    }

    static func write(_ report: [String: Any], to path: String) throws(LoadError) {
        guard let data = try? JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys]) else {
            throw .setup("cannot encode the report")
        }
        guard FileManager.default.createFile(atPath: path, contents: data + Data("\n".utf8)) else { throw .setup("cannot write \(path)") }
    }

    static func summary(_ r: [String: Any]) -> String {
        func f(_ key: String, _ digits: Int = 0) -> String { String(format: "%.\(digits)f", (r[key] as? Double) ?? Double((r[key] as? Int) ?? 0)) }
        return "\(r["sfu"] ?? "") \(r["scenario"] ?? "") receivers=\(r["receivers"] ?? 0): forwarded \(f("forwarded_packets")) pkts "
            + "(\(f("forwarded_pps")) pps, \(f("forwarded_mbps", 1)) Mbit/s), lost \(r["lost_packets"] ?? 0) (\(f("loss_percent", 3)) %), "
            + "SFU CPU \(f("sfu_cpu_s", 3)) s = \(f("pps_per_cpu_s")) pkts/CPU-s (\(f("cpu_us_per_packet", 2)) us/pkt), "
            + "latency p50 \(f("latency_p50_us")) p99 \(f("latency_p99_us")) max \(f("latency_max_us")) us, "
            + "RSS \(r["rss_kb"] ?? 0) KB (peak \(r["rss_peak_kb"] ?? 0)), generator CPU \(f("generator_cpu_percent", 1)) %, "
            + "UDP drops \(r["udp_drops"] ?? 0), SRTP \((r["srtp_profiles"] as? [String])?.joined(separator: ",") ?? ""), "
            + "video pairs by layer \(r["video_layer_pairs"] ?? []) (switched \(r["video_switched_pairs"] ?? 0), "
            + "none \(r["video_missing_pairs"] ?? 0)), by top TID \(r["video_temporal_pairs"] ?? [])"
    }
}
