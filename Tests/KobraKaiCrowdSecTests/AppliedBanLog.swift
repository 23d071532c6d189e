import KobraKaiFirewall
import Synchronization

/// What a bouncer's `onBansApplied` was told, one list per pull.
final class AppliedBanLog: Sendable {
    private let calls = Mutex<[[BanRequest]]>([])

    var pulls: [[BanRequest]] { calls.withLock { $0 } }

    func record(_ bans: [BanRequest]) { calls.withLock { $0.append(bans) } }
}
