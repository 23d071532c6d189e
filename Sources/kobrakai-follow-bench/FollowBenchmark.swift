// Follower throughput, side by side with what an operator would otherwise run (`tail`), in one run.
//
//   swift run -c release kobrakai-follow-bench [--lines N] [--log FILE]
//
// Without --log it writes N lines from /work/shared/bench/gen_asterisk_log.py if present, else
// synthetic Asterisk security lines. Figures are wall-clock on this machine; compare ratios, not absolutes.
import Foundation
import KobraKaiDaemon

@main
struct FollowBenchmark {
    static func main() async throws {
        let arguments = CommandLine.arguments
        func value(_ flag: String) -> String? {
            arguments.firstIndex(of: flag).flatMap { arguments.index(after: $0) < arguments.endIndex ? arguments[$0 + 1] : nil }
        }
        let lineCount = Int(value("--lines") ?? "") ?? 1_000_000
        let directory = NSTemporaryDirectory() + "kobrakai-bench-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        let source = try value("--log") ?? generateLog(lines: lineCount, in: directory)
        let data = try Data(contentsOf: URL(fileURLWithPath: source))
        let lines = data.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        print("log: \(lines) lines, \(data.count / 1_048_576) MiB")

        let clock = ContinuousClock()
        // 1. Catch-up: a whole file read from the beginning (a first run with startPoint .beginning).
        var start = clock.now
        var received = 0
        for try await batch in LogFollower(configuration: .init(path: source, startPoint: .beginning)) {
            received += batch.lines.count
            if received >= lines { break }
        }
        let follower = clock.now - start

        start = clock.now
        let tailCount = try run("/bin/sh", ["-c", "tail -n +1 '\(source)' | wc -l"])
        let tail = clock.now - start

        // 2. Live: lines appended in 64 KiB writes while the follower follows (inotify-driven).
        let livePath = directory + "/live"
        _ = FileManager.default.createFile(atPath: livePath, contents: nil)
        var iterator = try LogFollower(configuration: .init(path: livePath)).start()
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: livePath))
        start = clock.now
        let writer = Task.detached {
            var offset = 0
            while offset < data.count {
                let end = min(offset + 65536, data.count)
                try handle.write(contentsOf: data[offset..<end])
                offset = end
            }
        }
        var live = 0
        while live < lines, let batch = try await iterator.next() { live += batch.lines.count }
        let liveTime = clock.now - start
        try await writer.value

        func rate(_ duration: Duration) -> String {
            let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
            return String(format: "%8.0f lines/s  (%.3f s)", Double(lines) / seconds, seconds)
        }
        print("kobrakai LogFollower, catch-up      : \(rate(follower))  lines=\(received)")
        print("tail -n +1 | wc -l (baseline)       : \(rate(tail))  lines=\(tailCount.trimmingCharacters(in: .whitespacesAndNewlines))")
        print("kobrakai LogFollower, live appends  : \(rate(liveTime))  lines=\(live)")
        let ratio = (Double(tail.components.seconds) + Double(tail.components.attoseconds) / 1e18)
            / (Double(follower.components.seconds) + Double(follower.components.attoseconds) / 1e18)
        print(String(format: "catch-up speed relative to tail: %.2fx", ratio))
        // The machine-readable summary `make bench` collects (scripts/bench/aggregate.py).
        func perSecond(_ duration: Duration) -> String {
            String(format: "%.0f", Double(lines) / (Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18))
        }
        print("BENCH name=follow lines=\(lines) catchup_lines_per_s=\(perSecond(follower)) tail_lines_per_s=\(perSecond(tail)) "
              + "live_lines_per_s=\(perSecond(liveTime))")
    }

    static func generateLog(lines: Int, in directory: String) throws -> String {
        let path = directory + "/full"
        let generator = "/work/shared/bench/gen_asterisk_log.py"
        if FileManager.default.fileExists(atPath: generator) {
            _ = try run("/usr/bin/env", ["python3", generator, "--lines", "\(lines)", "-o", path, "--key", directory + "/key.json"])
            return path
        }
        var text = ""
        for index in 0..<lines {
            text += "[2026-11-22 06:00:00] NOTICE[1234] res_pjsip/pjsip_distributor.c: Request 'REGISTER' from "
                + "'<sip:\(index)@192.0.2.1>' failed for '198.51.100.\(index % 250):5060' (callid: \(index)) - "
                + "No matching endpoint found\n"
        }
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
