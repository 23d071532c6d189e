import KobraKaiAddress
import KobraKaiFirewall

/// The policy's verdict: ban `target` for `duration`, and why.
public struct BanDecision: Hashable, Sendable, CustomStringConvertible {
    /// What to ban: a host (/32, /128, or the configured IPv6 ban prefix) or an escalated network.
    public var target: IPPrefix
    /// The address whose event led to the decision.
    public var address: IPAddress
    public var duration: Duration
    /// Human reason, at most 127 UTF-8 bytes so it fits an nftables element comment as is,
    /// e.g. `pjsip.request.no-endpoint: 5 events in 60s`, `subnet: 4 hosts banned in 198.51.100.0/24 within 600s`.
    public var reason: String
    /// The catalogue rule of the triggering event (for subnet bans: of the last host ban).
    public var rule: String
    public var kind: BanKind
    /// Where the triggering event came from (log file or AMI).
    public var origin: EventOrigin
    /// When the decision was made (the `now` passed to `observe`).
    public var time: Timestamp
    /// 1 for a first ban; n for the n-th ban of this target within the history window.
    public var offence: Int

    public init(
        target: IPPrefix, address: IPAddress, duration: Duration, reason: String, rule: String, kind: BanKind,
        origin: EventOrigin, time: Timestamp, offence: Int
    ) {
        self.target = target
        self.address = address
        self.duration = duration
        self.reason = reason
        self.rule = rule
        self.kind = kind
        self.origin = origin
        self.time = time
        self.offence = offence
    }

    /// True for a repeat offender (its ban time was multiplied).
    public var isRepeat: Bool { offence > 1 }

    /// When the kernel will drop the element.
    public var expiry: Timestamp { time + duration }

    /// The request to hand to a `Firewall`.
    public var banRequest: BanRequest { BanRequest(target: target, timeout: duration, comment: reason) }

    public var description: String {
        "ban \(target) for \(DurationText.format(duration)) (offence \(offence)): \(reason)"
    }
}
