/// manager.c AMI login failures. The address (no port) comes first; the attacker's user name follows.
///
///     ADDR tried to authenticate with nonexistent user 'USER'
///     ADDR failed to pass IP ACL as 'USER'
///     ADDR failed to authenticate as 'USER'
enum ManagerMessage {
    private static let forms: [(text: StaticString, rule: DetectionRule)] = [
        (" tried to authenticate with nonexistent user '", RuleCatalogue.amiUnknownUser),
        (" failed to pass IP ACL as '", RuleCatalogue.amiACL),
        (" failed to authenticate as '", RuleCatalogue.amiFailed),
    ]

    static func parse(_ message: TextSpan) -> MessageMatch {
        guard let space = message.firstOffset(of: UInt8(ascii: " ")), message.last == UInt8(ascii: "'") else {
            return .noMatch
        }
        for form in forms where message.matches(form.text, at: space) {
            guard let source = SourceAddress.parse(message.upTo(space), port: .optional) else {
                return .malformed("manager login failure with an invalid address")
            }
            let user = message.slice(from: space + form.text.utf8CodeUnitCount, to: message.end - 1)
            return .hit(RuleHit(form.rule, source, account: user))
        }
        return .noMatch
    }
}
