import Synchronization

/// The daemon's sources as the e-mail alerts see them, registered as the assembly creates each component
/// (the alert service exists before the AMI client and the CrowdSec bouncer do).
public final class AlertSourceProbes: Sendable {
    private let probes = Mutex<[@Sendable () -> [AlertSourceStatus]]>([])

    public init() {}

    public func add(_ probe: @escaping @Sendable () -> [AlertSourceStatus]) {
        probes.withLock { $0.append(probe) }
    }

    public func statuses() -> [AlertSourceStatus] {
        probes.withLock { $0 }.flatMap { $0() }
    }
}
