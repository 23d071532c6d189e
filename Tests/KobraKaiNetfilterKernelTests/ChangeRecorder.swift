import KobraKaiNetfilter
import Synchronization

/// Collects what an `NftablesMonitor` reports, so that tests can wait (bounded) for a change.
final class ChangeRecorder: Sendable {
    let monitor: NftablesMonitor
    private final class State: Sendable {
        let received = Mutex<[RulesetChange]>([])
        let finished = Mutex(false)
    }

    private let state = State()

    init(_ monitor: NftablesMonitor) {
        self.monitor = monitor
        Task { [state] in
            for await change in monitor.changes { state.received.withLock { $0.append(change) } }
            state.finished.withLock { $0 = true }
        }
    }

    var changes: [RulesetChange] { state.received.withLock { $0 } }
    var isFinished: Bool { state.finished.withLock { $0 } }

    /// Waits until `condition` holds for the changes received so far, or `limit` passes; returns them.
    @discardableResult
    func wait(upTo limit: Duration = .seconds(1), until condition: ([RulesetChange]) -> Bool) async
        -> [RulesetChange]
    {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            let snapshot = changes
            if condition(snapshot) { return snapshot }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return changes
    }

    /// Waits for `count` generation changes (committed transactions) in total.
    @discardableResult
    func waitForGenerations(_ count: Int) async -> [RulesetChange] {
        await wait { Self.generations($0) >= count }
    }

    static func generations(_ changes: [RulesetChange]) -> Int {
        changes.filter { if case .generation = $0 { true } else { false } }.count
    }

    /// The changes other than `.generation`.
    static func structural(_ changes: [RulesetChange]) -> [RulesetChange] {
        changes.filter { if case .generation = $0 { false } else { true } }
    }
}
