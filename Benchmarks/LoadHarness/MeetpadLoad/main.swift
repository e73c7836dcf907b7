import CLoadSupport
import Foundation

// meetpad-load: simulated WebRTC endpoints on loopback against our bridge, Janus or the floor.
// Exit status: 0 ok, 1 run failed (not connected, SFU died, loss is reported not failed),
// 2 bad flags, 130 interrupted.

func fail(_ error: LoadError, status: Int32) -> Never {
    FileHandle.standardError.write(Data((error.description + "\n").utf8))
    exit(status)
}

let options: LoadOptions
do { options = try LoadOptions.parse(Array(CommandLine.arguments.dropFirst())) } catch {
    if case .usage(let text) = error, text.isEmpty { print(LoadOptions.usage); exit(0) }
    fail(error, status: 2)
}
if options.cpu >= 0, load_pin_cpu(Int32(options.cpu)) != 0 {
    FileHandle.standardError.write(Data("meetpad-load: cannot pin to CPU \(options.cpu); running unpinned\n".utf8))
}
load_install_signal_flag()

let run: LoadRun
do {
    run = try LoadRun(options: options)
    try run.build()
} catch { fail(error, status: 2) }

var status: Int32 = 0
var outcome = LoadRun.Outcome()
do {
    try run.signal()
    outcome = run.run()
} catch {
    outcome.failure = error.description
}
run.teardown()
if outcome.aborted { outcome.failure = outcome.failure ?? "interrupted"; status = 130 } else if outcome.failure != nil { status = 1 }

let report = RunReport.make(run, outcome)
if let path = options.json {
    do { try RunReport.write(report, to: path) } catch { fail(error, status: 1) }
}
if let failure = outcome.failure { FileHandle.standardError.write(Data("meetpad-load: \(failure)\n".utf8)) }
print(RunReport.summary(report))
exit(status)
