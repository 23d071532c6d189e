import KobraKaiAddress
import KobraKaiFirewall

extension NftablesFirewall {
    /// Adds hosts or prefixes to `allow_v4`/`allow_v6` (interval sets without timeouts). Traffic from them is
    /// accepted before any ban is looked at. The corresponding netlink message is `NFT_MSG_NEWSETELEM`.
    public func allow(_ targets: [IPPrefix], comment: String? = nil) async throws(FirewallError) -> [RejectedAllow] {
        if let problem = ElementComment.problem(with: comment) { throw FirewallError(.invalidElement, problem) }
        let units = targets.enumerated().map { index, target in
            ElementUnit(setName: KobraKaiRuleset.allowSet(for: target), operation: .add,
                        elements: IntervalAssembler.elements(for: target, timeoutMilliseconds: nil,
                                                             expirationMilliseconds: nil, comment: comment),
                        owner: index, target: target)
        }
        do {
            return try channel.apply(units).sorted { $0.key < $1.key }.map { index, error in
                RejectedAllow(target: targets[units[index].owner], error: error)
            }
        } catch where error.code == .outcomeUnknown {
            return try reconcileAllow(targets, units: units)
        }
    }

    /// Removes allowlist entries (exactly as added); absent ones are ignored.
    public func disallow(_ targets: [IPPrefix]) async throws(FirewallError) {
        let units = targets.enumerated().map { index, target in
            removalUnit(target, setName: KobraKaiRuleset.allowSet(for: target), owner: index)
        }
        do {
            _ = try channel.apply(units)
        } catch where error.code == .outcomeUnknown {
            try reconcileRemoval(units)
        }
    }

    public func allowlist() async throws(FirewallError) -> [AllowEntry] {
        var result: [AllowEntry] = []
        for setName in [KobraKaiRuleset.allowV4, KobraKaiRuleset.allowV6] {
            result += try entries(in: setName).map { AllowEntry(target: $0.target, comment: $0.comment) }
        }
        return result.sorted { $0.target < $1.target }
    }

    /// The allowlist entries that overlap `target` (contain it or lie inside it): banning it would be refused
    /// by kkset unless forced, and would have no effect on traffic anyway.
    public func allowEntries(overlapping target: IPPrefix) async throws(FirewallError) -> [AllowEntry] {
        try await allowlist().filter { $0.target.contains(target) || target.contains($0.target) }
    }
}
