import KobraKaiCore

/// Remembers since when each source has been failing, so a warning names only sources that have been
/// failing for at least `grace` (a PBX restart or a log rotation is not worth an e-mail).
struct SourceFailureTracker: Sendable {
    struct Failing: Hashable, Sendable {
        var name: String
        var since: Timestamp
        var failure: String
    }

    let grace: Duration
    private var failingSince: [String: Timestamp] = [:]

    init(grace: Duration) { self.grace = grace }

    /// Takes the current statuses; returns the sources failing for at least `grace`, by name.
    mutating func update(_ statuses: [AlertSourceStatus], now: Timestamp) -> [Failing] {
        var next: [String: Timestamp] = [:]
        var overdue: [Failing] = []
        for status in statuses {
            guard let failure = status.failure else { continue }
            let since = failingSince[status.name] ?? now
            next[status.name] = since
            if now.since(since) >= grace { overdue.append(Failing(name: status.name, since: since, failure: failure)) }
        }
        failingSince = next
        return overdue.sorted { $0.name < $1.name }
    }
}
