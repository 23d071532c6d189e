/// FreeSWITCH mod_sofia authentication lines (`log-auth-failures=true`):
///
///     SIP auth failure (INVITE) on sofia profile 'internal' for [USER@HOST] from ip ADDR
///     SIP auth challenge (REGISTER) on sofia profile 'internal' for [USER@HOST] from ip ADDR
///     Can't find user [USER@HOST] from ADDR
///     IP ADDR Rejected by register acl "NAME"
///     IP ADDR Rejected by acl "NAME"
///
/// The user and host are attacker text before `from ip`, so those forms are anchored at the end.
enum FreeSWITCHMessage {
    static func parse(_ message: TextSpan) -> MessageMatch {
        if message.hasPrefix("SIP auth failure (") || message.hasPrefix("SIP auth challenge (") {
            guard message.firstOffset(of: ") on sofia profile '") != nil,
                let marker = message.lastOffset(of: " from ip ")
            else { return .noMatch }
            let rule =
                message.hasPrefix("SIP auth failure (")
                ? RuleCatalogue.freeSWITCHAuthFailure : RuleCatalogue.freeSWITCHAuthChallenge
            guard let source = SourceAddress.parse(message.from(marker + 9), port: .none) else {
                return .malformed("sofia auth line with an invalid address")
            }
            return .hit(RuleHit(rule, source, account: user(in: message)))
        }
        if message.hasPrefix("Can't find user [") {
            guard let marker = message.lastOffset(of: "] from ") else { return .noMatch }
            guard let source = SourceAddress.parse(message.from(marker + 7), port: .none) else {
                return .malformed("sofia unknown-user line with an invalid address")
            }
            return .hit(RuleHit(RuleCatalogue.freeSWITCHUnknownUser, source, account: user(in: message)))
        }
        if message.hasPrefix("IP "), message.last == UInt8(ascii: "\"") {
            guard let space = message.firstOffset(of: UInt8(ascii: " "), from: message.start + 3) else {
                return .noMatch
            }
            let rule: DetectionRule
            if message.matches(" Rejected by register acl \"", at: space) {
                rule = RuleCatalogue.freeSWITCHRegisterACL
            } else if message.matches(" Rejected by acl \"", at: space) {
                rule = RuleCatalogue.freeSWITCHACL
            } else {
                return .noMatch
            }
            guard let source = SourceAddress.parse(message.slice(from: message.start + 3, to: space), port: .none)
            else {
                return .malformed("sofia ACL line with an invalid address")
            }
            return .hit(RuleHit(rule, source))
        }
        return .noMatch
    }

    private static func user(in message: TextSpan) -> TextSpan? {
        guard let open = message.firstOffset(of: UInt8(ascii: "[")),
            let at = message.firstOffset(of: UInt8(ascii: "@"), from: open)
        else { return nil }
        return at > open + 1 ? message.slice(from: open + 1, to: at) : nil
    }
}
