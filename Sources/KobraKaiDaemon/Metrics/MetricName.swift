/// The names of every metric the daemon records through swift-metrics, in one place so that the Prometheus
/// endpoint, the README and dashboards agree. Dimensions are listed with each name; their values are
/// bounded sets (source names from the configuration, catalogue rule ids, services, origins), never text an
/// attacker wrote, so an attacker cannot blow up the number of series.
public enum MetricName {
    /// Counter. Dimensions: `source` (configured log path or `ami`).
    public static let linesRead = "kobrakai_lines_read_total"
    /// Counter. Dimensions: `rule` (catalogue id), `service` (pjsip, chan_sip, iax2, ami, ...).
    public static let events = "kobrakai_events_total"
    /// Counter. Dimensions: `reason` (catalogue rule id, `operator`, `crowdsec`, `apiban`, `blocklist`),
    /// `origin` (`log`, `ami`, `operator`, `crowdsec`, `apiban`, `blocklist`).
    public static let bans = "kobrakai_bans_total"
    /// Gauge, read from the kernel set when scraped. Dimensions: `set` (ban_v4, ban_v6, ban_net_v4, ban_net_v6).
    public static let bansActive = "kobrakai_bans_active"
    /// Timer (histogram of seconds). One sample per netlink transaction (ban, unban, restore, list).
    /// Dimensions: `operation`.
    public static let netlinkTransaction = "kobrakai_netlink_transaction_seconds"
    /// Gauge: 1 while logged in to the Asterisk manager, else 0.
    public static let amiConnected = "kobrakai_ami_connected"
    /// Counter: connections to the Asterisk manager after the first.
    public static let amiReconnects = "kobrakai_ami_reconnects_total"
    /// Counter. Dimensions: `source`. Lines whose two readings name different addresses (log injection).
    public static let injectionLines = "kobrakai_suspected_injection_lines_total"
    /// Counter. Dimensions: `source`. Lines or frames that could not be decoded.
    public static let parseErrors = "kobrakai_parse_errors_total"
    /// Counter. Dimensions: `channel` (`webhook`, `email`). Alerts (bans in a webhook POST, e-mails) the
    /// receiver accepted.
    public static let alertsSent = "kobrakai_alerts_sent_total"
    /// Counter. Dimensions: `channel`. Deliveries that failed for good (retries exhausted, sendmail failed).
    public static let alertFailures = "kobrakai_alert_failures_total"
    /// Counter. Dimensions: `channel`. Bans dropped from a full alert queue (oldest first) before being sent.
    public static let alertsDropped = "kobrakai_alerts_dropped_total"
}
