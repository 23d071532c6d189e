import Foundation
import KobraKaiAddress

/// One of KobraKai's own bans, handed to the watcher to share with the fleet.
public struct WatcherBan: Hashable, Sendable {
    public var target: IPPrefix
    /// The ban's full length; what is left of it when the push finally succeeds is what the fleet gets.
    public var duration: Duration
    /// Why (rule and count), for the alert's message. Never decides the target.
    public var reason: String
    public var bannedAt: Date

    public init(target: IPPrefix, duration: Duration, reason: String, bannedAt: Date = Date()) {
        self.target = target
        self.duration = duration
        self.reason = reason
        self.bannedAt = bannedAt
    }

    /// The time left at `now`.
    public func remaining(at now: Date) -> Duration {
        duration - .milliseconds(Int64((now.timeIntervalSince(bannedAt) * 1000).rounded()))
    }
}
