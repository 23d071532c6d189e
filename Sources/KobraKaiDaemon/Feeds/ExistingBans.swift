import KobraKaiAddress
import KobraKaiFirewall

/// The bans in force when a feed applies its own, so that a feed never shortens a longer ban made by
/// someone else (a local escalation to 30 days, an operator's permanent ban): the firewall's `ban` resets
/// an element's timeout to the new one.
struct ExistingBans: Sendable {
    private var entries: [IPPrefix: BanEntry]

    init(_ entries: [BanEntry]) {
        self.entries = Dictionary(entries.map { ($0.target, $0) }, uniquingKeysWith: { first, _ in first })
    }

    subscript(target: IPPrefix) -> BanEntry? { entries[target] }

    /// True when `target` is banned for at least `timeout` more (or permanently) already.
    func coversLonger(_ target: IPPrefix, than timeout: Duration) -> Bool {
        guard let entry = entries[target] else { return false }
        guard let left = entry.expiresIn else { return true }
        return left >= timeout
    }

    /// Notes a ban just applied, so later pages of the same poll see it.
    mutating func record(_ request: BanRequest) {
        entries[request.target] = BanEntry(target: request.target, timeout: request.timeout, expiresIn: request.timeout,
                                           comment: request.comment)
    }

    var all: Dictionary<IPPrefix, BanEntry>.Values { entries.values }
}
