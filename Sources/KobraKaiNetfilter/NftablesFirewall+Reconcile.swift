import KobraKaiAddress
import KobraKaiFirewall

/// Settling an unknown outcome. When replies are lost (ENOBUFS, missing ACKs) the kernel may have applied all,
/// part or none of a change, so the sets are listed and what is still missing (or still present) is sent
/// once more: every call either finishes its job or throws, and the caller never has to guess.
extension NftablesFirewall {
    /// After a ban: resend what is missing or still carries another timeout.
    func reconcile(_ requests: [BanRequest], units: [ElementUnit]) throws(FirewallError) -> [RejectedBan] {
        reconciliations += 1
        var present: [IPPrefix: BanEntry] = [:]
        for setName in Set(units.map(\.setName)) {
            for entry in try entries(in: setName) { present[entry.target] = entry }
        }
        let missing = units.filter { unit in
            let request = requests[unit.owner]
            return present[request.target]?.timeout != request.timeout
        }
        let refused = try channel.apply(missing)
        return refused.sorted { $0.key < $1.key }.map { unitIndex, error in
            RejectedBan(request: requests[missing[unitIndex].owner], error: error)
        }
    }

    /// After an unban or disallow: remove again what is still listed.
    func reconcileRemoval(_ units: [ElementUnit]) throws(FirewallError) {
        reconciliations += 1
        var present = Set<IPPrefix>()
        for setName in Set(units.map(\.setName)) {
            for entry in try entries(in: setName) { present.insert(entry.target) }
        }
        let remaining = units.filter { unit in unit.target.map(present.contains) ?? true }
        _ = try channel.apply(remaining)
    }

    /// After an allow: add again what is not listed (entries present, whatever their comment, are kept).
    func reconcileAllow(_ targets: [IPPrefix], units: [ElementUnit]) throws(FirewallError) -> [RejectedAllow] {
        reconciliations += 1
        var present = Set<IPPrefix>()
        for setName in Set(units.map(\.setName)) {
            for entry in try entries(in: setName) { present.insert(entry.target) }
        }
        let missing = units.filter { !present.contains(targets[$0.owner]) }
        return try channel.apply(missing).sorted { $0.key < $1.key }.map { index, error in
            RejectedAllow(target: targets[missing[index].owner], error: error)
        }
    }

    /// After a flush: flush again the sets that still hold elements.
    func reconcileFlush(_ setNames: [String]) throws(FirewallError) {
        reconciliations += 1
        var notEmpty: [String] = []
        for setName in setNames where try !channel.dump(setName: setName).isEmpty {
            notEmpty.append(setName)
        }
        if !notEmpty.isEmpty { try channel.flush(setNames: notEmpty) }
    }
}
