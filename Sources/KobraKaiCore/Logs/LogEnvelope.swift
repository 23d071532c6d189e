/// The server-written frame around one log message, located before any message text is read.
struct LogEnvelope {
    enum Producer {
        case asterisk
        case kamailio
        case openSIPS
        case freeSWITCH
    }

    var producer: Producer
    /// All fields point into this one line (or one scratch buffer); they are kept as 32-bit offsets so the
    /// envelope stays small: it is built and copied for every line of a log.
    private let bytes: UnsafeBufferPointer<UInt8>
    private let levelRange: (Int32, Int32)
    private let fileRange: (Int32, Int32)
    private let messageRange: (Int32, Int32)
    private let dateRange: (Int32, Int32)?

    init(producer: Producer, level: TextSpan, file: TextSpan, message: TextSpan, date: TextSpan?) {
        self.producer = producer
        bytes = level.bytes
        levelRange = (Int32(clamping: level.start), Int32(clamping: level.end))
        fileRange = (Int32(clamping: file.start), Int32(clamping: file.end))
        messageRange = (Int32(clamping: message.start), Int32(clamping: message.end))
        dateRange = date.map { (Int32(clamping: $0.start), Int32(clamping: $0.end)) }
    }

    /// `NOTICE`, `WARNING`, … (Asterisk, FreeSWITCH) or the syslog level word (Kamailio, OpenSIPS).
    var level: TextSpan { span(levelRange) }
    /// Asterisk: the source file (`chan_sip.c`, `res_pjsip/pjsip_distributor.c`, `Ext. s`); FreeSWITCH:
    /// `sofia_reg.c`; empty for the proxies.
    var file: TextSpan { span(fileRange) }
    var message: TextSpan { span(messageRange) }
    /// The most precise date text on the line: Asterisk's own `[date]` wins over a syslog/journal prefix.
    var date: TextSpan? { dateRange.map(span) }

    private func span(_ range: (Int32, Int32)) -> TextSpan { TextSpan(bytes, start: Int(range.0), end: Int(range.1)) }

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
