extension LogSources {
    /// The built-in formats to read for a configured log source.
    ///
    /// `auto` reads every format; `asterisk` and `asterisk-json` read Asterisk lines (the JSON formatter
    /// is recognised per line); `custom` reads none, so only the operator's patterns apply.
    public init(_ format: LogSourceConfiguration.Format) {
        switch format {
        case .auto: self = .all
        case .asterisk, .asteriskJSON: self = .asterisk
        case .kamailio: self = .kamailio
        case .opensips: self = .openSIPS
        case .freeswitch: self = .freeSWITCH
        case .custom: self = []
        }
    }
}
