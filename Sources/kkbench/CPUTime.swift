import Foundation
import Glibc

/// User and system CPU time of this process (`RUSAGE_SELF`) or of its waited-for children
/// (`RUSAGE_CHILDREN`, i.e. the nft runs): shows where a variant's time goes, kernel or userspace, and is
/// less disturbed than wall-clock time by other load on the machine.
struct CPUTime {
    var user: Duration
    var system: Duration

    static func now(children: Bool) -> CPUTime {
        var usage = rusage()
        getrusage(children ? RUSAGE_CHILDREN.rawValue : RUSAGE_SELF.rawValue, &usage)
        func duration(_ value: timeval) -> Duration { .seconds(value.tv_sec) + .microseconds(value.tv_usec) }
        return CPUTime(user: duration(usage.ru_utime), system: duration(usage.ru_stime))
    }

    /// Time this process's threads spent runnable but waiting for a CPU (sum of the second field of
    /// /proc/self/task/*/schedstat): the part of wall-clock time that other load on the machine adds.
    static func runQueueWait() -> Duration {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        let nanoseconds = tasks.reduce(Int64(0)) { total, task in
            let text = (try? String(contentsOfFile: "/proc/self/task/\(task)/schedstat", encoding: .utf8)) ?? ""
            let fields = text.split(separator: " ")
            return total + (fields.count > 1 ? Int64(fields[1]) ?? 0 : 0)
        }
        return .nanoseconds(nanoseconds)
    }

    static func - (lhs: CPUTime, rhs: CPUTime) -> CPUTime {
        CPUTime(user: lhs.user - rhs.user, system: lhs.system - rhs.system)
    }

    /// Median of user + system time, in milliseconds (for the machine-readable BENCH line).
    static func medianTotalMilliseconds(_ samples: [CPUTime]) -> Double {
        Statistics.milliseconds(Statistics(samples: samples.map { $0.user + $0.system }).median)
    }

    /// "cpu user 12.3 + sys 45.6 ms" from the medians of several samples.
    static func summary(_ samples: [CPUTime]) -> String {
        let user = Statistics.milliseconds(Statistics(samples: samples.map(\.user)).median)
        let system = Statistics.milliseconds(Statistics(samples: samples.map(\.system)).median)
        return "cpu: user \(String(format: "%.1f", user)) + sys \(String(format: "%.1f", system)) ms (medians)"
    }
}
