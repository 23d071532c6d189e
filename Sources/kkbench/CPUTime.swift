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

    static func - (lhs: CPUTime, rhs: CPUTime) -> CPUTime {
        CPUTime(user: lhs.user - rhs.user, system: lhs.system - rhs.system)
    }

    /// "cpu user 12.3 + sys 45.6 ms" from the medians of several samples.
    static func summary(_ samples: [CPUTime]) -> String {
        let user = Statistics.milliseconds(Statistics(samples: samples.map(\.user)).median)
        let system = Statistics.milliseconds(Statistics(samples: samples.map(\.system)).median)
        return "cpu: user \(String(format: "%.1f", user)) + sys \(String(format: "%.1f", system)) ms (medians)"
    }
}
