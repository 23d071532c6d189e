/// chan_iax2.c failures (most need `authdebug=yes`). The address is printed before any peer or user
/// name except in the two `(from ADDR)` forms, which are read from the end. `Host %s failed RSA
/// authentication` names a peer, not an address, and is not a rule.
enum IAX2Message {
    static func parse(_ message: TextSpan) -> MessageMatch {
        if message.hasPrefix("Host ") { return parseHost(message) }
        if message.hasPrefix("No registration for peer '") {
            return fromSuffix(message, rule: RuleCatalogue.iaxNoRegistration, nameStart: message.start + 26)
        }
        if message.hasPrefix("Peer '"), message.firstOffset(of: "' is not dynamic (from ") != nil {
            return fromSuffix(message, rule: RuleCatalogue.iaxNotDynamic, nameStart: message.start + 6)
        }
        if message.hasPrefix("Empty registration from ") {
            return address(message.from(message.start + 24), rule: RuleCatalogue.iaxEmptyRegistration)
        }
        if message.hasPrefix("Rejected connect attempt from ") {
            let start = message.start + 30
            guard let comma = message.firstOffset(of: ", ", from: start),
                message.matches(", who was trying to reach '", at: comma) || message.matches(", request '", at: comma)
            else { return .noMatch }
            return address(message.slice(from: start, to: comma), rule: RuleCatalogue.iaxConnectRejected)
        }
        if message.hasPrefix("Address "), message.hasSuffix(" failed CallToken hash inspection") {
            return address(
                message.slice(from: message.start + 8, to: message.end - 33), rule: RuleCatalogue.iaxCallTokenHash)
        }
        if message.hasPrefix("Call rejected, CallToken Support required. ") {
            guard let marker = message.firstOffset(of: " address ") else { return .noMatch }
            let start = marker + 9
            let end = message.firstOffset(of: UInt8(ascii: " "), from: start) ?? message.end
            return address(message.slice(from: start, to: end), rule: RuleCatalogue.iaxCallTokenRequired)
        }
        return .noMatch
    }

    private static func parseHost(_ message: TextSpan) -> MessageMatch {
        let start = message.start + 5
        guard let space = message.firstOffset(of: UInt8(ascii: " "), from: start) else { return .noMatch }
        let rest = message.from(space)
        let rule: DetectionRule
        var accountStart: Int?
        if rest.hasPrefix(" denied access to register peer '") {
            rule = RuleCatalogue.iaxDenied
            accountStart = space + 32
        } else if rest.hasPrefix(" failed MD5 authentication for '") {
            rule = RuleCatalogue.iaxMD5Failed
            accountStart = space + 31
        } else if rest.hasPrefix(" did not provide proper plaintext password for '") {
            rule = RuleCatalogue.iaxPlaintextFailed
            accountStart = space + 47
        } else if rest.hasPrefix(" failed to authenticate as ") {
            rule = RuleCatalogue.iaxAuthFailed
            accountStart = space + 27
        } else {
            return .noMatch
        }
        guard let source = SourceAddress.parse(message.slice(from: start, to: space), port: .optional) else {
            return .malformed("IAX2 line with an invalid address")
        }
        var account = message.from(accountStart ?? message.end)
        if account.first == UInt8(ascii: "'"),
            let close = account.firstOffset(of: UInt8(ascii: "'"), from: account.start + 1)
        {
            account = account.slice(from: account.start + 1, to: close)
        }
        return .hit(RuleHit(rule, source, account: account.isEmpty ? nil : account))
    }

    /// `… (from ADDR)` at the very end; the peer name before it is attacker text.
    private static func fromSuffix(_ message: TextSpan, rule: DetectionRule, nameStart: Int) -> MessageMatch {
        guard message.last == UInt8(ascii: ")"), let marker = message.lastOffset(of: " (from ") else { return .noMatch }
        let name = message.slice(from: nameStart, to: message.lastOffset(of: UInt8(ascii: "'")) ?? nameStart)
        guard let source = SourceAddress.parse(message.slice(from: marker + 7, to: message.end - 1), port: .optional)
        else {
            return .malformed("IAX2 line with an invalid address")
        }
        return .hit(RuleHit(rule, source, account: name.isEmpty ? nil : name))
    }

    private static func address(_ text: TextSpan, rule: DetectionRule) -> MessageMatch {
        guard let source = SourceAddress.parse(text, port: .optional) else {
            return .malformed("IAX2 line with an invalid address")
        }
        return .hit(RuleHit(rule, source))
    }
}
