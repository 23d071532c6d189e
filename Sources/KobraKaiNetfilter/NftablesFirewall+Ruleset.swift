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
            let index = Int(failure.sequence &- begin) - 1
            let what = index >= 0 && index < messages.count ? "message \(index + 1) of \(messages.count)" : "batch"
            var error = KernelErrorMapper.structural(failure.errorCode, table: KobraKaiRuleset.table, set: nil,
                                                     kernelMessage: failure.kernelMessage)
            if error.code == .rulesetMissing || error.code == .system {
                error = FirewallError(.system, "installing the KobraKai ruleset failed at \(what): "
                                      + KernelErrorMapper.describe(failure.errorCode), errno: failure.errorCode)
            }
            throw error
        }
        if replies.count < messages.count {
            throw FirewallError(.outcomeUnknown, "the kernel did not acknowledge every ruleset message", errno: nil)
        }
    }
}
