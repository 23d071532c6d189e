import Foundation

/// CPU time of the kernel's softirq threads (/proc/PID/schedstat of every `ksoftirqd/N`).
enum SoftirqThreads {
    static func runTime() -> Duration {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        var total = Duration.zero
        for entry in entries where entry.first?.isNumber == true {
            guard let name = try? String(contentsOfFile: "/proc/\(entry)/comm", encoding: .utf8),
                  name.hasPrefix("ksoftirqd/"),
                  let text = try? String(contentsOfFile: "/proc/\(entry)/schedstat", encoding: .utf8),
                  let run = text.split(separator: " ").first.flatMap({ Int64($0) })
            else { continue }
            total += .nanoseconds(run)
        }
        return total
    }
}
