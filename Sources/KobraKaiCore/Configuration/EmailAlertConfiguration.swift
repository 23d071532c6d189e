/// `alerts.email`: ban digests and source-failure warnings handed to the local MTA's sendmail interface.
public struct EmailAlertConfiguration: Hashable, Sendable {
    /// Recipients (plain addresses, `user@host`).
    public var to: [String]
    public var from = "kobrakai@localhost"
    /// The MTA's sendmail program (Postfix, Exim and OpenSMTPD all install one here).
    public var sendmailPath = "/usr/sbin/sendmail"
    /// One digest of the bans applied in each interval at most (none when there were no bans).
    public var digestInterval: Duration = .seconds(3600)
    /// How long a source must have been failing before it is reported.
    public var failureGrace: Duration = .seconds(300)
    /// One failure warning per interval at most, while sources keep failing.
    public var failureWarningInterval: Duration = .seconds(6 * 3600)
    /// Prefixes the subject, e.g. `[kobrakai pbx1]`; the host name by default.
    public var subjectPrefix: String?

    public init(to: [String]) { self.to = to }
}
