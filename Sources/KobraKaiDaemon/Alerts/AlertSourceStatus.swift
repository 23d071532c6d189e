/// One source's condition as the e-mail alerts see it: a followed log, the AMI client, the CrowdSec
/// bouncer or watcher (and later feeds such as APIBan). The daemon assembly builds the list from each
/// component's own health.
public struct AlertSourceStatus: Hashable, Sendable {
    /// `log /var/log/asterisk/full`, `ami 127.0.0.1:5038`, `crowdsec bouncer`, ...
    public var name: String
    /// Why it is failing, or `nil` when it works.
    public var failure: String?

    public init(name: String, failure: String?) {
        self.name = name
        self.failure = failure
    }
}
