import KobraKaiFirewall

extension NftablesFirewall {
    /// Creates (or restores) `table inet kobrakai` as nft/kobrakai.nft defines it, in one transaction:
    /// the six sets, the prerouting chain at priority raw and its rules (without the optional flood rule).
    ///
    /// Idempotent and loss-free like loading the file again: existing sets keep their elements, the chain
    /// is emptied and refilled. The daemon calls this when `verify()` reports the ruleset missing, e.g. after
    /// `systemctl reload nftables` ran a configuration starting with `flush ruleset`.
    /// - Throws: `.permissionDenied`; `.system` with the kernel's reason if, for example, a set of the same
    ///   name exists with different flags (then the operator changed the file: it is left alone).
    public func installRuleset() async throws(FirewallError) {
        let messages = RulesetMessages.all(table: KobraKaiRuleset.table)
        let (replies, begin) = try channel.socket.runBatch(messages)
        if let failure = replies.first(where: { !$0.isAck }) {
            throw RulesetMessages.failure(failure, atMessage: Int(failure.sequence &- begin) - 1, of: messages.count,
                                          table: KobraKaiRuleset.table)
        }
        if replies.count < messages.count {
            throw FirewallError(.outcomeUnknown, "the kernel did not acknowledge every ruleset message", errno: nil)
        }
    }
}
