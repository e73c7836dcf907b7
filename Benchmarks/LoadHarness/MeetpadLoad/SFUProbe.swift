import CLoadSupport
import Foundation

/// Reads an SFU process's CPU and memory from /proc, and the kernel's UDP drop counters.
/// CPU comes from every thread's schedstat (ns of run time; docs/benchmark.md prefers it to tick
/// counters), with utime + stime of /proc/PID/stat as a cross-check, and is kept per thread
/// with its name, so the media thread's share is told apart from HTTP, XMPP and SCTP threads.
struct SFUProbe {
    let pid: Int32

    struct Sample {
        var scheduledNanoseconds: Int64 = 0
        var tickSeconds: Double = 0
        var rssKB = 0
        var peakRSSKB = 0
        var threads = 0
        /// Run time so far of each thread, by thread id, with its name (`comm`).
        var threadNanoseconds: [Int: (name: String, nanoseconds: Int64)] = [:]
    }

    /// CPU seconds of each kind of thread between two samples, busiest first: threads whose
    /// names differ only in digits are one kind (Janus's `hloop <handle>` per connection, NIO's
    /// numbered event loops); a thread that started in between counts from 0.
    static func threadCPU(from before: Sample, to after: Sample) -> [(name: String, seconds: Double)] {
        var byName: [String: Int64] = [:]
        for (tid, thread) in after.threadNanoseconds {
            byName[threadKind(thread.name), default: 0] += thread.nanoseconds - (before.threadNanoseconds[tid]?.nanoseconds ?? 0)
        }
        return byName.map { (name: $0.key, seconds: Double($0.value) / 1e9) }.sorted { $0.seconds > $1.seconds }
    }

    /// A thread's name with each run of digits folded into one `#`.
    static func threadKind(_ name: String) -> String {
        var kind = ""
        for character in name where !(character.isNumber && kind.last == "#") {
            kind.append(character.isNumber ? "#" : character)
        }
        return kind
    }

    func sample() -> Sample {
        var result = Sample()
        guard pid > 0 else { return result }
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        result.threads = tasks.count
        for task in tasks {
            if let text = try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/schedstat", encoding: .utf8),
                let first = text.split(separator: " ").first, let ns = Int64(first) {
                result.scheduledNanoseconds += ns
                let name = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/comm", encoding: .utf8))?
                    .trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
                if let tid = Int(task) { result.threadNanoseconds[tid] = (name, ns) }
            }
        }
        if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") {
            // Fields after "(comm)": state is field 3; utime and stime are fields 14 and 15.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) {
                result.tickSeconds = (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
            }
        }
        if let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) {
            for line in status.split(separator: "\n") {
                let parts = line.split(separator: " ", omittingEmptySubsequences: true)
                guard parts.count >= 2, let kb = Int(parts[1]) else { continue }
                if line.hasPrefix("VmRSS:") { result.rssKB = kb }
                if line.hasPrefix("VmHWM:") { result.peakRSSKB = kb }
            }
        }
        return result
    }

    var isAlive: Bool { pid <= 0 || FileManager.default.fileExists(atPath: "/proc/\(pid)/stat") }

    /// UDP InErrors + RcvbufErrors + SndbufErrors from /proc/net/snmp (machine-wide).
    static func udpDrops() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/net/snmp", encoding: .utf8) else { return 0 }
        let lines = text.split(separator: "\n").filter { $0.hasPrefix("Udp:") }
        guard lines.count >= 2 else { return 0 }
        let names = lines[0].split(separator: " ")
        let values = lines[1].split(separator: " ")
        var total = 0
        for (name, value) in zip(names, values) where ["InErrors", "RcvbufErrors", "SndbufErrors"].contains(String(name)) {
            total += Int(value) ?? 0
        }
        return total
    }

    /// Datagrams the kernel dropped so far on the UDP sockets the processes `pids` hold (the
    /// `drops` column of /proc/net/udp: a full receive buffer, mostly): the run's own sockets,
    /// where the machine-wide counters also move with anyone else's traffic.
    static func socketDrops(of pids: [Int32]) -> Int {
        Int(pids.withUnsafeBufferPointer { load_socket_drops($0.baseAddress, Int32($0.count)) })
    }

    /// Steal time so far (jiffies) from /proc/stat's cpu line, and the total.
    static func cpuTimes() -> (steal: Double, total: Double) {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8), let line = text.split(separator: "\n").first else { return (0, 0) }
        let values = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard values.count >= 8 else { return (0, 0) }
        return (values[7], values.reduce(0, +))
    }
}
