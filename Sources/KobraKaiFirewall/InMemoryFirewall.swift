import KobraKaiAddress

/// A `Firewall` that keeps bans in memory, with the kernel sets' semantics: per-entry timeouts that expire on
/// their own, re-bans that restart the timeout, prefixes that may not overlap (like an interval set without
/// auto-merge), and an optional capacity.
///
/// Used for `--dry-run` and for daemon tests. Time comes from the injected `now` closure, so tests move a
/// manual clock instead of sleeping.
public actor InMemoryFirewall: Firewall {
    private struct Stored {
        var timeout: Duration
        var deadline: ContinuousClock.Instant
        var comment: String?
    }

    private let now: @Sendable () -> ContinuousClock.Instant
    private let capacity: Int?
    private var entries: [IPPrefix: Stored] = [:]

    /// - Parameters:
    ///   - capacity: the most entries held at once (like a set's `size`); `nil` = unbounded.
    ///   - now: the current time; defaults to the continuous clock.
    public init(capacity: Int? = nil, now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.capacity = capacity
        self.now = now
    }

    public func verify() async throws(FirewallError) {}

    public func ban(_ requests: [BanRequest]) async throws(FirewallError) -> [RejectedBan] {
        purgeExpired()
        let instant = now()
        var rejected: [RejectedBan] = []
        for request in requests {
            if let error = refusal(of: request) {
                rejected.append(RejectedBan(request: request, error: error))
                continue
            }
            entries[request.target] = Stored(timeout: request.timeout, deadline: instant + request.timeout,
                                             comment: request.comment)
        }
        return rejected
    }

    public func unban(_ targets: [IPPrefix]) async throws(FirewallError) {
        for target in targets { entries[target] = nil }
    }

    public func flush() async throws(FirewallError) {
        entries.removeAll()
    }

    public func list() async throws(FirewallError) -> [BanEntry] {
        purgeExpired()
        return entries.map { entry($0.key, $0.value) }.sorted { $0.target < $1.target }
    }

    public func lookup(_ address: IPAddress) async throws(FirewallError) -> BanEntry? {
        purgeExpired()
        let host = IPPrefix(host: address)
        if let stored = entries[host] { return entry(host, stored) }
        return entries.first { !$0.key.isHost && $0.key.contains(address) }.map { entry($0.key, $0.value) }
    }

    private func refusal(of request: BanRequest) -> FirewallError? {
        if request.timeout <= .zero {
            return FirewallError(.invalidElement, "ban timeout for \(request.target) must be positive")
        }
        let target = request.target
        if entries[target] != nil { return nil }  // a refresh never overlaps or overflows
        if !target.isHost,
           let other = entries.keys.first(where: { !$0.isHost && ($0.contains(target) || target.contains($0)) })
        {
            return FirewallError(.overlap, "\(target) overlaps \(other), which is already banned")
        }
        if let capacity, entries.count >= capacity {
            return FirewallError(.setFull, "the ban set is full (\(capacity) entries); \(target) was not added")
        }
        return nil
    }

    private func purgeExpired() {
        let instant = now()
        entries = entries.filter { $0.value.deadline > instant }
    }

    private func entry(_ target: IPPrefix, _ stored: Stored) -> BanEntry {
        BanEntry(target: target, timeout: stored.timeout, expiresIn: stored.deadline - now(), comment: stored.comment)
    }
}
