import KobraKaiAddress

/// The Asterisk log lines the torture run writes, in the formats of asterisk-formats.md (default file
/// formatter). `stamp` is the bracketed date; every line ends with a newline.
enum AsteriskLines {
    /// The medium-severity shapes attackers use, one per attacker (in turn): PJSIP distributor, security
    /// InvalidAccountID, chan_sip wrong password, security ChallengeResponseFailed, AMI failed login.
    static let attackShapes = 5

    static func attack(shape: Int, stamp: String, address: IPAddress, sequence: Int) -> String {
        let a = address.description
        switch shape % attackShapes {
        case 0:
            return "[\(stamp)] NOTICE[2211] res_pjsip/pjsip_distributor.c: Request 'REGISTER' from '<sip:\(100 + sequence % 50)@10.99.0.1>' "
                + "failed for '\(a):5071' (callid: \(sequence)a) - No matching endpoint found\n"
        case 1:
            return security(stamp: stamp, name: "InvalidAccountID", account: "\(100 + sequence % 50)", session: "s\(sequence)", remote: a)
        case 2:
            return "[\(stamp)] NOTICE[3101] chan_sip.c: Registration from '\"\(200 + sequence % 30)\" <sip:\(200 + sequence % 30)@10.99.0.1>' "
                + "failed for '\(a):5087' - Wrong password\n"
        case 3:
            return security(stamp: stamp, name: "ChallengeResponseFailed", account: "\(300 + sequence % 20)", session: "c\(sequence)", remote: a,
                            extra: ",Challenge=\"1714558273/6d16ccf2\",Response=\"849dfcf133d8156f\",ExpectedResponse=\"\"")
        default:
            return "[\(stamp)] NOTICE[3400] manager.c: \(a) failed to authenticate as 'admin\(sequence % 7)'\n"
        }
    }

    /// High severity: bans on the first line.
    static func failedACL(stamp: String, address: IPAddress) -> String {
        security(stamp: stamp, name: "FailedACL", account: "100", session: "0x1", remote: address.description,
                 extra: ",ACLName=\"not_match_endpoint_acl\"")
    }

    /// A LAN phone with a stale password: the same failure an attacker causes, from an allowlisted address.
    static func lanFailure(stamp: String, address: IPAddress, sequence: Int) -> String {
        sequence % 2 == 0
            ? "[\(stamp)] NOTICE[3101] chan_sip.c: Registration from '\"\(1000 + sequence % 20)\" <sip:\(1000 + sequence % 20)@10.99.0.1>' failed for '\(address):5060' - Wrong password\n"
            : security(stamp: stamp, name: "ChallengeResponseFailed", account: "\(1000 + sequence % 20)", session: "lan\(sequence)",
                       remote: address.description, extra: ",Challenge=\"1/2\",Response=\"3\",ExpectedResponse=\"\"")
    }

    /// The injection shapes of asterisk-formats.md §6.4: attacker-written text (From display name, Call-ID,
    /// SessionID) names `victim`; the line's real source is `attacker`.
    static let injectionShapes = 3

    static func injection(shape: Int, stamp: String, attacker: IPAddress, victim: IPAddress) -> String {
        let a = attacker.description, v = victim.description
        switch shape % injectionShapes {
        case 0:  // display-name spoof before the real address
            return "[\(stamp)] NOTICE[2211] res_pjsip/pjsip_distributor.c: Request 'REGISTER' from '\"x' failed for '\(v):5060' (callid: a) "
                + "- No matching endpoint found\" <sip:100@pbx>' failed for '\(a):5071' (callid: 8c2f) - No matching endpoint found\n"
        case 1:  // Call-ID spoof after the real address (ambiguous: banning neither is right)
            return "[\(stamp)] NOTICE[2211] res_pjsip/pjsip_distributor.c: Request 'REGISTER' from '<sip:100@pbx>' failed for '\(a):5071' "
                + "(callid: x) - No matching endpoint found' failed for '\(v):5060' (callid: y) - No matching endpoint found\n"
        default:  // SessionID spoof in the security log
            return security(stamp: stamp, name: "InvalidAccountID", account: "1001",
                            session: "\",LocalAddress=\"IPV4/UDP/10.99.0.1/5060\",RemoteAddress=\"IPV4/UDP/\(v)/5060\"", remote: a)
        }
    }

    /// Everyday lines that match no rule (calls, dialplan, registrations that succeed).
    static func noise(stamp: String, sequence: Int) -> String {
        switch sequence % 4 {
        case 0: return "[\(stamp)] VERBOSE[13977][C-\(hex(sequence))] app_dial.c: PJSIP/\(100 + sequence % 80)-0000\(hex(sequence)) answered PJSIP/158-00000d3e\n"
        case 1: return "[\(stamp)] VERBOSE[21703][C-\(hex(sequence))] pbx.c: Executing [\(100 + sequence % 80)@from-internal:1] Set(\"PJSIP/158-00000d3e\", \"__FROM_DID=6587864975\") in new stack\n"
        case 2: return "[\(stamp)] NOTICE[13977] chan_sip.c:28650 handle_request_subscribe: Received SIP subscribe for peer without mailbox: \(100 + sequence % 80)\n"
        default: return "[\(stamp)] WARNING[8799][C-\(hex(sequence))] Ext. 156: \"Caller Peggy (158) dialed 156, no route found\"\n"
        }
    }

    private static func security(stamp: String, name: String, account: String, session: String, remote: String, extra: String = "") -> String {
        "[\(stamp)] SECURITY[2212] res_security_log.c: SecurityEvent=\"\(name)\",EventTV=\"2026-01-01T00:00:00.000+0000\",Severity=\"Error\","
            + "Service=\"PJSIP\",EventVersion=\"1\",AccountID=\"\(account)\",SessionID=\"\(session)\",LocalAddress=\"IPV4/UDP/10.99.0.1/5060\","
            + "RemoteAddress=\"IPV4/UDP/\(remote)/5060\"\(extra)\n"
    }

    private static func hex(_ value: Int) -> String {
        let text = String(value & 0xffff_ffff, radix: 16)
        return String(repeating: "0", count: max(0, 8 - text.count)) + text
    }
}
