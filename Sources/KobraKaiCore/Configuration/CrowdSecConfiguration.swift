/// The CrowdSec Local API integration: KobraKai as a bouncer (applies the LAPI's decisions) and, when
/// `pushEnabled`, as a watcher (pushes its own bans as alerts so the rest of the fleet bans them too).
public struct CrowdSecConfiguration: Hashable, Sendable {
    /// Runs the bouncer. Off by default: a fleet engine is an explicit choice.
    public var enabled = false
    /// The Local API base URL, without `/v1`.
    public var lapiURL = "http://127.0.0.1:8080"
    /// The bouncer key inline (`cscli bouncers add kobrakai`). Prefer `bouncerAPIKeyFile` (mode 0600).
    public var bouncerAPIKey: String?
    /// A file whose first line is the bouncer key; read by the daemon.
    public var bouncerAPIKeyFile: String?
    /// Time between two delta pulls of `/v1/decisions/stream`.
    public var pullInterval: Duration = .seconds(10)
    /// Time between two full pulls (`startup=true`), which bring back decisions a delta skipped; `.zero` = only
    /// at start and after a ruleset repair.
    public var fullPullInterval: Duration = .seconds(600)
    /// Runs the watcher, which pushes KobraKai's own bans to the LAPI.
    public var pushEnabled = false
    /// The watcher's machine id (`cscli machines add <id>`).
    public var machineID = ""
    /// The machine password inline. Prefer `passwordFile` (mode 0600).
    public var password: String?
    /// A file whose first line is the machine password; read by the daemon.
    public var passwordFile: String?
    /// The scenario name KobraKai's alerts carry (shown by `cscli alerts list`).
    public var scenario = "kobrakai/voip-attack"

    public init() {}
}
