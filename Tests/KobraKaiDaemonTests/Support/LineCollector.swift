import KobraKaiDaemon

/// Runs a `LogFollower` in a task and keeps every batch it hands out, so a test can wait for lines.
actor LineCollector {
    private(set) var batches: [LogBatch] = []
    private var task: Task<Void, any Error>?

    var lines: [String] { batches.flatMap { $0.lines.map(\.text) } }
    var lastPosition: FilePosition? { batches.last?.position }

    /// Starts following before returning (the start position is fixed), then collects in a task.
    func start(_ follower: LogFollower) throws {
        var iterator = try follower.start()
        task = Task {
            while let batch = try await iterator.next() { self.append(batch) }
        }
    }

    private func append(_ batch: LogBatch) { batches.append(batch) }

    /// Waits (up to `timeout`) until at least `count` lines arrived; returns the lines.
    func waitForLines(_ count: Int, timeout: Duration = .seconds(15)) async -> [String] {
        let deadline = ContinuousClock.now + timeout
        while lines.count < count, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        return lines
    }

    /// Cancels the follower and waits for its loop to end; returns how long that took.
    func stop() async throws -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        task?.cancel()
        try await task?.value
        return clock.now - start
    }
}
