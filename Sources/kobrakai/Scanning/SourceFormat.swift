import ArgumentParser
import KobraKaiCore

/// `--source` values: which program wrote the logs being scanned.
enum SourceFormat: String, CaseIterable, ExpressibleByArgument {
    case asterisk
    case kamailio
    case opensips
    case freeswitch

    var sources: LogSources {
        switch self {
        case .asterisk: .asterisk
        case .kamailio: .kamailio
        case .opensips: .openSIPS
        case .freeswitch: .freeSWITCH
        }
    }
}
