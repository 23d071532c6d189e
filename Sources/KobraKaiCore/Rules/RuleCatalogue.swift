/// Every rule KobraKai's built-in parsers can report, in one place.
///
/// Severity policy (the policy decides what each level costs):
/// - `high`: the server itself refused the source by address (ACL failures, a proxy's own flood block).
///   A legitimate device almost never produces these, so few hits should ban.
/// - `medium`: a credential or identity guess (unknown account, wrong password, unknown extension in a
///   public context, AMI login failures). Brute force and enumeration are made of these.
/// - `low`: signals that misconfigured but honest devices also produce (registrar warnings, malformed
///   packets, resource limits); they only count in volume.
/// - `informational`: normal traffic (successful authentication, a challenge sent); never bans, but the
///   policy may use it to learn trusted sources. A challenge is sent for every legitimate REGISTER.
/// `kobrakai scan --rules` prints this table.
public enum RuleCatalogue {
    /// All rules, grouped by source, in a stable order.
    public static let all: [DetectionRule] =
        pjsip + chanSIP + iax2 + manager + securityEvents.map(\.rule) + proxies + freeSWITCH

    /// The rule with this id, if any.
    public static func rule(id: String) -> DetectionRule? { all.first { $0.id == id } }

    /// The rules that mean "this address authenticated successfully" (Asterisk's `SuccessfulAuth`, from
    /// the security log or AMI): the policy's default trust-learning rules, named by id.
    public static let successfulAuthentication: [DetectionRule] = [SecurityEventKind.successfulAuth.rule]

    // MARK: PJSIP (res_pjsip, pjproject)

    static let pjsipNoEndpoint = DetectionRule(
        id: "pjsip.request.no-endpoint", service: .pjsip, severity: .medium,
        matches: "Request '%s' from '%s' failed for '%s' (callid: %s) - No matching endpoint found",
        rationale: "Unknown user: enumeration or brute force against accounts that do not exist.")
    static let pjsipEndpointACL = DetectionRule(
        id: "pjsip.request.endpoint-acl", service: .pjsip, severity: .high,
        matches: "Request … failed for '%s' (callid: %s) - Not match Endpoint ACL",
        rationale: "A known endpoint used from an address its ACL forbids: stolen or guessed identity.")
    static let pjsipContactACL = DetectionRule(
        id: "pjsip.request.contact-acl", service: .pjsip, severity: .high,
        matches: "Request … failed for '%s' (callid: %s) - Not match Endpoint Contact ACL",
        rationale: "Contact outside the endpoint's contact ACL: as above.")
    static let pjsipAuthFailed = DetectionRule(
        id: "pjsip.request.auth-failed", service: .pjsip, severity: .medium,
        matches: "Request … failed for '%s' (callid: %s) - Failed to authenticate",
        rationale: "Wrong digest response: password guessing (PJSIP never emits InvalidPassword).")
    static let pjsipAuthError = DetectionRule(
        id: "pjsip.request.auth-error", service: .pjsip, severity: .low,
        matches: "Request … failed for '%s' (callid: %s) - Error to authenticate",
        rationale: "Authenticator error (often a broken Authorization header); weak on its own.")
    static let pjsipExtensionNotFound = DetectionRule(
        id: "pjsip.call.extension-not-found", service: .pjsip, severity: .medium,
        matches:
            "Call from '%s' (%s:%s) / %s: Call (%s:%s) to extension '%s' rejected because extension not found in context '%s'.",
        rationale:
            "Dialling unknown (usually international) numbers through an unauthenticated context: toll-fraud probing.")
    static let pjsipAORNotFound = DetectionRule(
        id: "pjsip.registrar.aor-not-found", service: .pjsip, severity: .low,
        matches: "AOR '%s' not found for endpoint '%s' (%s:%d)",
        rationale: "REGISTER to an unknown AOR from an identified endpoint; misconfigured phones do this too.")
    static let pjsipNoAORs = DetectionRule(
        id: "pjsip.registrar.no-aors", service: .pjsip, severity: .low,
        matches: "Endpoint '%s' (%s:%d) has no configured AORs",
        rationale:
            "Usually 'anonymous' trying to register; fail2ban's maintainers call it misconfiguration, so it only counts in volume."
    )
    static let pjsipNonSIPURI = DetectionRule(
        id: "pjsip.registrar.non-sip-uri", service: .pjsip, severity: .low,
        matches: "Endpoint '%s' (%s:%d) attempted to register to an AOR with a non-SIP URI",
        rationale: "Malformed registration; rare from honest devices but not conclusive.")
    static let pjsipNoMaxContacts = DetectionRule(
        id: "pjsip.registrar.no-max-contacts", service: .pjsip, severity: .low,
        matches: "AOR '%s' has no configured max_contacts. Endpoint '%s' (%s:%d) unable to register",
        rationale: "Registration to an AOR that does not accept registrations: configuration or probing.")
    static let pjsipMaxContactsExceeded = DetectionRule(
        id: "pjsip.registrar.max-contacts-exceeded", service: .pjsip, severity: .low,
        matches: "Registration attempt from endpoint '%s' (%s:%d) to AOR '%s' will exceed max contacts of %u",
        rationale: "Legitimate phones trigger this after re-provisioning; weight low.")
    static let pjsipPacketError = DetectionRule(
        id: "pjsip.transport.packet-error", service: .pjsip, severity: .low,
        matches: "pjproject: Error processing %d bytes packet from %s %s:%d … (pjproject ≤ 2.13, ERROR)",
        rationale: "Unparseable SIP: fuzzers and scanners, but also broken devices.")
    static let pjsipPacketDropped = DetectionRule(
        id: "pjsip.transport.packet-dropped", service: .pjsip, severity: .low,
        matches: "pjproject: Dropping %lu bytes packet from %s %s:%d … (pjproject ≥ 2.14, WARNING)",
        rationale: "As above, newer pjproject.")

    static let pjsip: [DetectionRule] = [
        pjsipNoEndpoint, pjsipEndpointACL, pjsipContactACL, pjsipAuthFailed, pjsipAuthError, pjsipExtensionNotFound,
        pjsipAORNotFound, pjsipNoAORs, pjsipNonSIPURI, pjsipNoMaxContacts, pjsipMaxContactsExceeded,
        pjsipPacketError, pjsipPacketDropped,
    ]
}
