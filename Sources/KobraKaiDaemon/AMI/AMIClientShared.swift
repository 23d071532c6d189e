import KobraKaiCore
import Logging
import Synchronization

/// What the AMI service (any task) and its worker thread share: requests (stop, reload with new settings)
/// and the health snapshot, behind one lock; the doorbell that wakes the worker; the event sink.
final class AMIClientShared: Sendable {
    enum Request: Equatable {
        case none
        case stop
        case reload
    }

    private struct Locked {
        var settings: AMIClientSettings
        var stopRequested = false
        var reloadPending = false
        var health: AMIClientHealth
    }

    private let locked: Mutex<Locked>
    let doorbell: WakeSignal
    let deliver: @Sendable (SecurityEvent) -> Void
    private let onHealthChange: (@Sendable (AMIClientHealth) -> Void)?
    let logger: Logger

    init(
        settings: AMIClientSettings, doorbell: WakeSignal, logger: Logger,
        onHealthChange: (@Sendable (AMIClientHealth) -> Void)?, deliver: @escaping @Sendable (SecurityEvent) -> Void
    ) {
        locked = Mutex(Locked(settings: settings, health: AMIClientHealth(endpoint: settings.endpoint)))
        self.doorbell = doorbell
        self.logger = logger
        self.onHealthChange = onHealthChange
        self.deliver = deliver
    }

    var settings: AMIClientSettings { locked.withLock { $0.settings } }
    var health: AMIClientHealth { locked.withLock { $0.health } }

    func requestStop() {
        locked.withLock { $0.stopRequested = true }
        doorbell.signal()
    }

    func requestReload(_ settings: AMIClientSettings) {
        locked.withLock {
            $0.settings = settings
            $0.reloadPending = true
        }
        doorbell.signal()
    }

    /// The strongest pending request, consuming a reload; stop stays pending for ever.
    func takeRequest() -> Request {
        locked.withLock { state in
            if state.stopRequested { return .stop }
            if state.reloadPending {
                state.reloadPending = false
                return .reload
            }
            return .none
        }
    }

    /// Changes the health under the lock, then tells the observer (outside the lock).
    func updateHealth(_ change: (inout AMIClientHealth) -> Void) {
        let snapshot = locked.withLock { state in
            change(&state.health)
            return state.health
        }
        onHealthChange?(snapshot)
    }
}
