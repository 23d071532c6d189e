import Foundation
import KobraKaiAddress
import KobraKaiFirewall
import KobraKaiNetfilter

/// Every ban seen in the kernel, and the checks made against it.
///
/// A ban is "in force" from the first listing that shows it until its kernel timeout runs out. At every
/// checkpoint (after each kill and restart, after each `nft flush ruleset`, at the end) every ban that was
/// in force at the previous listing and has not expired must be back within `repairBound`; one that is
/// not is counted as lost (once per target, with the checkpoint that lost it). Every listing is also
/// checked for bans covering an address that must never be banned.
actor BanLedger {
    struct WrongBan: Sendable, Hashable {
        var target: IPPrefix
        var reason: String
    }

    let firewall: NftablesFirewall
    /// Target → when its ban runs out (as the kernel reported it).
    private var inForce: [IPPrefix: ContinuousClock.Instant] = [:]
    private(set) var lost: [IPPrefix: String] = [:]
    private(set) var wrongBans: Set<WrongBan> = []
    private(set) var checkpoints = 0
    private(set) var longestRepair = Duration.zero
    private(set) var largestListing = 0
    let repairBound = Duration.seconds(30)

    init(firewall: NftablesFirewall) { self.firewall = firewall }

    /// The kernel's bans now, or nil while the ruleset is missing or being rebuilt.
    func listing() async -> [BanEntry]? {
        do { return try await firewall.list() } catch { return nil }
    }

    /// Records what the kernel holds now (without judging it): the baseline before a fault.
    func observe() async {
        guard let entries = await listing() else { return }
        absorb(entries)
    }

    /// Waits until every ban in force before is back (or `repairBound` passes); counts the missing as lost.
    func checkpoint(_ label: String) async {
        checkpoints += 1
        let started = ContinuousClock.now
        var missing: [IPPrefix] = []
        while true {
            let now = ContinuousClock.now
            if let entries = await listing() {
                let present = Set(entries.map(\.target))
                missing = inForce.compactMap { target, expiry in
                    expiry > now + .seconds(2) && !present.contains(target) ? target : nil
                }
                if missing.isEmpty {
                    longestRepair = max(longestRepair, now - started)
                    absorb(entries)
                    return
                }
            }
            if now - started > repairBound { break }
            try? await Task.sleep(for: .milliseconds(250))
        }
        for target in missing where lost[target] == nil { lost[target] = label }
        for target in missing { inForce[target] = nil }
        if let entries = await listing() { absorb(entries) }
    }

    /// Which of `addresses` the kernel does not ban now (by host entry or a network entry covering it).
    func unbanned(_ addresses: [IPAddress]) async -> [IPAddress]? {
        guard let entries = await listing() else { return nil }
        let hosts = Set(entries.filter(\.target.isHost).map(\.target.network))
        let networks = entries.filter { !$0.target.isHost }.map(\.target)
        return addresses.filter { address in !hosts.contains(address) && !networks.contains { $0.contains(address) } }
    }

    var inForceCount: Int { inForce.count }
    var everSeenTargets: [IPPrefix] { Array(inForce.keys) }

    private func absorb(_ entries: [BanEntry]) {
        let now = ContinuousClock.now
        largestListing = max(largestListing, entries.count)
        for entry in entries {
            inForce[entry.target] = now + (entry.expiresIn ?? .seconds(365 * 86_400))
            if let reason = Self.forbiddenReason(entry.target) { wrongBans.insert(WrongBan(target: entry.target, reason: reason)) }
        }
    }

    /// Whether a banned target covers an address that must never be banned.
    static func forbiddenReason(_ target: IPPrefix) -> String? {
        if target.isHost { return AddressPlan.forbiddenReason(target.network) }
        if target.contains(AddressPlan.lanRange) || AddressPlan.lanRange.contains(target) { return "network over allowlisted LANs" }
        if target.contains(IPPrefix(host: AddressPlan.ownAddress)) { return "network over own address" }
        for range in AddressPlan.victimRanges where target.contains(range) || range.contains(target) { return "network over injection victims" }
        if AddressPlan.floodRange.contains(target.network) || target.contains(AddressPlan.floodRange) { return "network over flood single-event sources" }
        return nil
    }
}
