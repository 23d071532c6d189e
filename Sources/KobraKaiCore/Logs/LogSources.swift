/// Which programs' log formats a parser accepts.
///
/// Auto-detection is convenient for `kobrakai scan`, but a daemon that tails `/var/log/asterisk/full`
/// knows the file can only hold Asterisk lines: restricting the sources means a line an attacker shaped
/// like another program's format (a Kamailio pike block, say) is never read as one.
public struct LogSources: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8

    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let asterisk = LogSources(rawValue: 1 << 0)
    public static let kamailio = LogSources(rawValue: 1 << 1)
    public static let openSIPS = LogSources(rawValue: 1 << 2)
    public static let freeSWITCH = LogSources(rawValue: 1 << 3)
    public static let all: LogSources = [.asterisk, .kamailio, .openSIPS, .freeSWITCH]

    init(_ producer: LogEnvelope.Producer) {
        switch producer {
        case .asterisk: self = .asterisk
        case .kamailio: self = .kamailio
        case .openSIPS: self = .openSIPS
        case .freeSWITCH: self = .freeSWITCH
        }
    }
}
