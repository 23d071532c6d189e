/// Median and range of a set of timings.
struct Statistics {
    var samples: [Duration]

    var median: Duration {
        let sorted = samples.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    var minimum: Duration { samples.min() ?? .zero }
    var maximum: Duration { samples.max() ?? .zero }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    static func microseconds(_ duration: Duration) -> Double { milliseconds(duration) * 1000 }
}
