/// The server-written frame around one log message, located before any message text is read.
struct LogEnvelope {
    enum Producer {
        case asterisk
        case kamailio
        case openSIPS
        case freeSWITCH
    }

    var producer: Producer
    /// `NOTICE`, `WARNING`, … (Asterisk, FreeSWITCH) or the syslog level word (Kamailio, OpenSIPS).
    var level: TextSpan
    /// Asterisk: the source file (`chan_sip.c`, `res_pjsip/pjsip_distributor.c`, `Ext. s`); FreeSWITCH:
    /// `sofia_reg.c`; empty for the proxies.
    var file: TextSpan
    var message: TextSpan
    /// The most precise date text on the line: Asterisk's own `[date]` wins over a syslog/journal prefix.
    var date: TextSpan?

    /// Whether the level is one a security rule can be logged at (the hot-path prefilter: it drops every
    /// VERBOSE/DEBUG/DTMF line after reading a dozen bytes).
    var hasSecurityRelevantLevel: Bool {
        switch producer {
        case .asterisk:
            return Self.isSecurityRelevantAsteriskLevel(level)
        case .freeSWITCH:
            return level.equals("WARNING") || level.equals("NOTICE") || level.equals("ERR")
        case .kamailio, .openSIPS:
            return true
        }
    }

    /// NOTICE, WARNING, SECURITY, ERROR: the only Asterisk levels a rule is logged at.
    @inline(__always)
    static func isSecurityRelevantAsteriskLevel(_ level: TextSpan) -> Bool {
        switch level.first {
        case UInt8(ascii: "N"): return level.equals("NOTICE")
        case UInt8(ascii: "W"): return level.equals("WARNING")
        case UInt8(ascii: "S"): return level.equals("SECURITY")
        case UInt8(ascii: "E"): return level.equals("ERROR")
        default: return false
        }
    }
}
