import KobraKaiFirewall

extension RulesetMessages {
    /// The error for a refused ruleset message (index into `all(table:)`, or outside it for the batch itself).
    /// ENOENT here is not "load the ruleset first" (we are loading it): it is reported as what it is.
    static func failure(_ failure: KernelReply, atMessage index: Int, of count: Int, table: String) -> FirewallError {
        let what = index >= 0 && index < count ? "message \(index + 1) of \(count)" : "batch"
        let error = KernelErrorMapper.structural(failure.errorCode, table: table, set: nil,
                                                 kernelMessage: failure.kernelMessage)
        guard error.code == .rulesetMissing || error.code == .system else { return error }
        return FirewallError(.system, "installing the KobraKai ruleset failed at \(what): "
                             + KernelErrorMapper.describe(failure.errorCode), errno: failure.errorCode)
    }
}
