import KobraKaiAddress
import KobraKaiFirewall

/// A firewall that records every call (one entry per transaction) and can be told to reject targets or
/// fail whole transactions. Test-only; the real in-memory backend lives elsewhere.
actor RecordingFirewall: Firewall {
    private(set) var banCalls: [[BanRequest]] = []
    private var bans: [IPPrefix: BanRequest] = [:]
    var rejectedTargets: Set<IPPrefix> = []
    var failure: FirewallError?

    func reject(_ targets: Set<IPPrefix>) { rejectedTargets = targets }
    func fail(with error: FirewallError?) { failure = error }

    func verify() async throws(FirewallError) {
        if let failure { throw failure }
    }

    func ban(_ requests: [BanRequest]) async throws(FirewallError) -> [RejectedBan] {
        banCalls.append(requests)
        if let failure { throw failure }
        var rejected: [RejectedBan] = []
        for request in requests {
            if rejectedTargets.contains(request.target) {
                rejected.append(RejectedBan(request: request, error: FirewallError(.overlap, "overlaps")))
            } else {
                bans[request.target] = request
            }
        }
        return rejected
    }

    func unban(_ targets: [IPPrefix]) async throws(FirewallError) {
        for target in targets { bans[target] = nil }
    }

    func flush() async throws(FirewallError) { bans.removeAll() }

    func list() async throws(FirewallError) -> [BanEntry] {
        bans.values.map { BanEntry(target: $0.target, timeout: $0.timeout, expiresIn: $0.timeout, comment: $0.comment) }
    }

    func lookup(_ address: IPAddress) async throws(FirewallError) -> BanEntry? {
        try await list().first { $0.target.contains(address) }
    }
}
