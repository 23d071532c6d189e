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
            return level.equals("NOTICE") || level.equals("WARNING") || level.equals("SECURITY") || level.equals("ERROR")
        case .freeSWITCH:
            return level.equals("WARNING") || level.equals("NOTICE") || level.equals("ERR")
        case .kamailio, .openSIPS:
            return true
        }
    }
}
