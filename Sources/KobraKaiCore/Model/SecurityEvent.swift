import KobraKaiAddress

/// One observation from any source (log line or AMI event) about one remote address.
///
/// Every front end (Asterisk logs, AMI, Kamailio, OpenSIPS, FreeSWITCH, operator patterns) produces this
/// one type; the policy consumes only this type. Informational events (successful authentication,
/// challenge sent) are events too: they never ban, but the policy may use them (trust learning).
public struct SecurityEvent: Hashable, Sendable {
    /// When it happened: the line's own timestamp, or the receive time when the source has none.
    public var time: Timestamp?
    /// The remote address, always taken from server-controlled text and validated.
    public var address: IPAddress
    /// The remote port, when the source gives one.
    public var port: UInt16?
    public var origin: EventOrigin
    public var service: EventService
    /// The catalogue id of the rule that matched (see the rule catalogue).
    public var rule: String
    public var severity: Severity
    /// The account (user, extension, AMI user) tried, when the source names one. Attacker-controlled text:
    /// used only for counting distinct accounts, never to decide an address.
    public var account: String?
    /// 1-based line number in the source file, or the AMI message number.
    public var line: Int?

    public init(
        time: Timestamp?, address: IPAddress, port: UInt16? = nil, origin: EventOrigin, service: EventService,
        rule: String, severity: Severity, account: String? = nil, line: Int? = nil
    ) {
        self.time = time
        self.address = address
        self.port = port
        self.origin = origin
        self.service = service
        self.rule = rule
        self.severity = severity
        self.account = account
        self.line = line
    }
}

/// Where an event came from.
public enum EventOrigin: String, Hashable, Sendable, CaseIterable {
    case logFile = "log"
    case ami = "ami"
}

/// The service the attack targeted, as the source reports it.
public enum EventService: String, Hashable, Sendable, CaseIterable {
    case pjsip = "PJSIP"
    case sip = "SIP"
    case iax2 = "IAX2"
    case ami = "AMI"
    case kamailio = "Kamailio"
    case opensips = "OpenSIPS"
    case freeswitch = "FreeSWITCH"
    /// Matched by an operator-supplied pattern.
    case custom = "custom"
}

/// How dangerous one event is; the policy decides what each level means (first-hit ban, threshold, weight).
public enum Severity: String, Hashable, Sendable, Comparable, CaseIterable {
    case informational
    case low
    case medium
    case high

    private var rank: Int {
        switch self {
        case .informational: 0
        case .low: 1
        case .medium: 2
        case .high: 3
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}
