extension RuleCatalogue {
    // MARK: Security events (res_security_log `SecurityEvent=` lines and AMI `Event:` messages)

    /// One rule per event type. The service of the event itself (PJSIP, SIP, AMI…) is taken from its
    /// `Service` field; the rule's `service` is only the default.
    static let securityEvents: [(kind: SecurityEventKind, rule: DetectionRule)] = [
        event(
            .failedACL, .high,
            "An ACL (endpoint, contact, AMI, chan_sip device/domain, no_extension_match) refused the source."),
        event(.invalidAccountID, .medium, "Unknown account: enumeration or brute force."),
        event(.sessionLimit, .low, "Too many sessions (also a reconnecting legitimate AMI client)."),
        event(.memoryLimit, .low, "Resource limit; not attributable to a single attacker by itself."),
        event(.loadAverageLimit, .low, "Resource limit; not attributable to a single attacker by itself."),
        event(.requestNotSupported, .low, "PJSIP registrar refusals (unknown AOR, registration not permitted)."),
        event(.requestNotAllowed, .medium, "AMI action before login or without permission: probing."),
        event(.authMethodNotAllowed, .medium, "Authentication method refused."),
        event(.requestBadFormat, .medium, "Malformed AMI request: probing."),
        event(.successfulAuth, .informational, "Normal login; never bans, may teach the policy a trusted source."),
        event(.unexpectedAddress, .medium, "Session from an address other than the expected one."),
        event(.challengeResponseFailed, .medium, "Wrong digest response: password guessing."),
        event(.invalidPassword, .medium, "Wrong password (chan_sip, AMI)."),
        event(.challengeSent, .informational, "Every legitimate REGISTER/INVITE gets a challenge: a rate signal only."),
        event(.invalidTransport, .medium, "Peer tried a transport it is not configured for."),
    ]

    private static func event(
        _ kind: SecurityEventKind, _ severity: Severity, _ rationale: String
    ) -> (kind: SecurityEventKind, rule: DetectionRule) {
        let id = "security." + kebab(kind.rawValue)
        return (
            kind,
            DetectionRule(
                id: id, service: .pjsip, severity: severity,
                matches:
                    "SecurityEvent=\"\(kind.rawValue)\",… RemoteAddress=\"IPV4|IPV6/transport/address/port\" (log) or Event: \(kind.rawValue) (AMI)",
                rationale: rationale)
        )
    }

    /// `InvalidAccountID` → `invalid-account-id`.
    private static func kebab(_ name: String) -> String {
        var result = ""
        var previousWasUpper = true
        let characters = Array(name)
        for (index, character) in characters.enumerated() {
            let nextIsLower = index + 1 < characters.count && characters[index + 1].isLowercase
            if character.isUppercase && !result.isEmpty && (!previousWasUpper || nextIsLower) { result += "-" }
            result += character.lowercased()
            previousWasUpper = character.isUppercase
        }
        return result
    }

    // MARK: Kamailio, OpenSIPS

    static let kamailioPikeBlocked = DetectionRule(
        id: "kamailio.pike.blocked", service: .kamailio, severity: .high,
        matches: "PIKE - BLOCKing ip %s, node=%p (pike module, first block only)",
        rationale: "The proxy's own flood detector already blocked the source.")
    static let kamailioPikeAlert = DetectionRule(
        id: "kamailio.script.pike-alert", service: .kamailio, severity: .high,
        matches: "ALERT: pike blocking $rm from $fu (IP:$si:$sp) (default kamailio.cfg)",
        rationale: "Default-config flood block; the address is read from the end, after the attacker's From URI.")
    static let kamailioMalformed = DetectionRule(
        id: "kamailio.script.malformed", service: .kamailio, severity: .low,
        matches: "Malformed SIP request|response|message from $si:$sp (default kamailio.cfg)",
        rationale: "Broken SIP: scanners and fuzzers, but also broken devices.")
    static let openSIPSPikeBlocked = DetectionRule(
        id: "opensips.pike.blocked", service: .opensips, severity: .high,
        matches: "PIKE - BLOCKing ip %s, node=%p",
        rationale: "The proxy's own flood detector already blocked the source.")

    static let proxies: [DetectionRule] = [
        kamailioPikeBlocked, kamailioPikeAlert, kamailioMalformed, openSIPSPikeBlocked,
    ]

    // MARK: FreeSWITCH mod_sofia (log-auth-failures=true)

    static let freeSWITCHAuthFailure = DetectionRule(
        id: "freeswitch.auth.failure", service: .freeswitch, severity: .medium,
        matches: "SIP auth failure (%s) on sofia profile '%s' for [%s@%s] from ip %s",
        rationale: "Wrong password.")
    static let freeSWITCHAuthChallenge = DetectionRule(
        id: "freeswitch.auth.challenge", service: .freeswitch, severity: .informational,
        matches: "SIP auth challenge (%s) on sofia profile '%s' for [%s@%s] from ip %s",
        rationale: "Every legitimate registration is challenged: a rate signal only.")
    static let freeSWITCHUnknownUser = DetectionRule(
        id: "freeswitch.auth.unknown-user", service: .freeswitch, severity: .medium,
        matches: "Can't find user [%s@%s] from %s",
        rationale: "Unknown user: enumeration.")
    static let freeSWITCHRegisterACL = DetectionRule(
        id: "freeswitch.acl.register", service: .freeswitch, severity: .high,
        matches: "IP %s Rejected by register acl \"%s\"",
        rationale: "Registration from a forbidden address.")
    static let freeSWITCHACL = DetectionRule(
        id: "freeswitch.acl.call", service: .freeswitch, severity: .high,
        matches: "IP %s Rejected by acl \"%s\"",
        rationale: "Request from a forbidden address.")

    static let freeSWITCH: [DetectionRule] = [
        freeSWITCHAuthFailure, freeSWITCHAuthChallenge, freeSWITCHUnknownUser, freeSWITCHRegisterACL, freeSWITCHACL,
    ]
}
