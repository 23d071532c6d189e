extension RuleCatalogue {
    // MARK: chan_sip (13–20) and FreePBX dialplan

    static let sipWrongPassword = registration(
        "wrong-password", "Wrong password", .medium,
        "Password guessing; with alwaysauthreject=yes (default) unknown users end here too.")
    static let sipUsernameMismatch = registration(
        "username-mismatch", "Username/auth name mismatch", .medium,
        "Digest username differs from the peer: credential guessing.")
    static let sipNoPeer = registration(
        "no-peer", "No matching peer found", .medium,
        "Unknown user (only with alwaysauthreject=no): enumeration.")
    static let sipNotLocalDomain = registration(
        "not-local-domain", "Not a local domain", .medium,
        "Registration for a foreign domain: scanners use the IP or random domains.")
    static let sipPeerNotDynamic = registration(
        "peer-not-dynamic", "Peer is not supposed to register", .medium,
        "Registering as a static peer (usually a trunk name guess).")
    static let sipDeviceACL = registration(
        "acl", "Device does not match ACL (older: ACL error (permit/deny))", .high,
        "Valid peer from a forbidden address.")
    static let sipBadTransport = registration(
        "bad-transport", "Device not configured to use this transport type", .medium,
        "Peer name guessed over the wrong transport.")
    static let sipRTPFailed = registration(
        "rtp-failed", "RTP initialization failed", .low,
        "Server-side resource failure; not evidence of an attack by itself.")
    static let sipUnknownFailure = registration(
        "unknown-failure", "Unknown failure", .low,
        "Unclassified registration failure.")
    static let sipExtensionNotFound = DetectionRule(
        id: "sip.call.extension-not-found", service: .sip, severity: .medium,
        matches: "Call from '%s' (%s) to extension '%s' rejected because extension not found in context '%s'.",
        rationale: "Toll-fraud probing through chan_sip.")
    static let sipHackingAttempt = DetectionRule(
        id: "sip.hacking-attempt", service: .sip, severity: .medium,
        matches: "hacking attempt detected '%s' (patched chan_sip builds only; kept because fail2ban matches it)",
        rationale: "A patched build's own attack verdict; the address is server-written at the end of the line.")
    static let freePBXRejectedConnection = DetectionRule(
        id: "freepbx.rejected-unknown-connection", service: .sip, severity: .medium,
        matches: "Ext. s: \"Rejecting unknown SIP connection from %s\" (FreePBX [from-sip-external], CHANNEL(recvip))",
        rationale: "Anonymous inbound call refused by FreePBX; the address is the channel's real source, not a header.")

    static let chanSIP: [DetectionRule] = [
        sipWrongPassword, sipUsernameMismatch, sipNoPeer, sipNotLocalDomain, sipPeerNotDynamic, sipDeviceACL,
        sipBadTransport, sipRTPFailed, sipUnknownFailure, sipExtensionNotFound, sipHackingAttempt,
        freePBXRejectedConnection,
    ]

    /// chan_sip `handle_request_register()` reasons, in `check_auth_result` order.
    static let chanSIPRegistrationReasons: [(reason: StaticString, rule: DetectionRule)] = [
        ("Wrong password", sipWrongPassword), ("Username/auth name mismatch", sipUsernameMismatch),
        ("No matching peer found", sipNoPeer), ("Not a local domain", sipNotLocalDomain),
        ("Peer is not supposed to register", sipPeerNotDynamic), ("Device does not match ACL", sipDeviceACL),
        ("Device not configured to use this transport type", sipBadTransport),
        ("RTP initialization failed", sipRTPFailed), ("Unknown failure", sipUnknownFailure),
        // Pre-13 spelling of the ACL refusal; fail2ban still lists it and old logs carry it.
        ("ACL error (permit/deny)", sipDeviceACL),
    ]

    private static func registration(
        _ name: String, _ reason: String, _ severity: Severity, _ rationale: String
    ) -> DetectionRule {
        DetectionRule(
            id: "sip.register.\(name)", service: .sip, severity: severity,
            matches: "Registration from '%s' failed for '%s' - \(reason)", rationale: rationale)
    }

    // MARK: chan_iax2 (most lines need authdebug=yes)

    static let iaxEmptyRegistration = iax(
        "registration-empty", .low, "Empty registration from %s",
        "A registration without a peer name: probing.")
    static let iaxNoRegistration = iax(
        "no-peer", .medium, "No registration for peer '%s' (from %s)",
        "Unknown IAX2 peer: enumeration.")
    static let iaxNotDynamic = iax(
        "peer-not-dynamic", .medium, "Peer '%s' is not dynamic (from %s)",
        "Registering as a static peer.")
    static let iaxDenied = iax(
        "acl", .high, "Host %s denied access to register peer '%s'",
        "Peer ACL refused the address.")
    static let iaxMD5Failed = iax(
        "md5-failed", .medium, "Host %s failed MD5 authentication for '%s' (%s != %s)",
        "Wrong password.")
    static let iaxPlaintextFailed = iax(
        "plaintext-failed", .medium, "Host %s did not provide proper plaintext password for '%s'",
        "Wrong password.")
    static let iaxAuthFailed = iax(
        "auth-failed", .medium,
        "Host %s failed to authenticate as %s (WARNING, addr:port; older builds quote the name)",
        "Wrong credentials on a call.")
    static let iaxConnectRejected = iax(
        "connect-rejected", .medium,
        "Rejected connect attempt from %s, who was trying to reach '%s@%s' / request '%s@%s' does not exist",
        "Calls to unknown users or contexts.")
    static let iaxCallTokenHash = iax(
        "calltoken-hash", .low, "Address %s failed CallToken hash inspection",
        "Spoofed or replayed call tokens; also stale NAT mappings.")
    static let iaxCallTokenRequired = iax(
        "calltoken-required", .low,
        "Call rejected, CallToken Support required. … address %s … user %s requirecalltoken=no",
        "Old clients without call tokens, or scanners.")

    static let iax2: [DetectionRule] = [
        iaxEmptyRegistration, iaxNoRegistration, iaxNotDynamic, iaxDenied, iaxMD5Failed, iaxPlaintextFailed,
        iaxAuthFailed, iaxConnectRejected, iaxCallTokenHash, iaxCallTokenRequired,
    ]

    private static func iax(_ name: String, _ severity: Severity, _ matches: String, _ rationale: String)
        -> DetectionRule
    {
        DetectionRule(id: "iax2.\(name)", service: .iax2, severity: severity, matches: matches, rationale: rationale)
    }

    // MARK: manager.c (AMI logins)

    static let amiUnknownUser = DetectionRule(
        id: "ami.login.unknown-user", service: .ami, severity: .medium,
        matches: "%s tried to authenticate with nonexistent user '%s'",
        rationale: "AMI user enumeration; AMI should never be reachable from outside.")
    static let amiACL = DetectionRule(
        id: "ami.login.acl", service: .ami, severity: .high,
        matches: "%s failed to pass IP ACL as '%s'",
        rationale: "AMI login from a forbidden address.")
    static let amiFailed = DetectionRule(
        id: "ami.login.failed", service: .ami, severity: .medium,
        matches: "%s failed to authenticate as '%s'",
        rationale: "AMI password guessing (also logged after an unknown-user line).")

    static let manager: [DetectionRule] = [amiUnknownUser, amiACL, amiFailed]
}
