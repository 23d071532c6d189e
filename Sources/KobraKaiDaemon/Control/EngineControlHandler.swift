import KobraKaiAddress
import KobraKaiCore
import KobraKaiFirewall

/// The daemon's answers on the control socket, backed by the ban engine, its firewall and its store.
///
/// - `status`: uptime, engine counters, whether the firewall's table and sets are usable, plus `extraStatus`
///   (followed files, AMI connection: owned by the services that know them).
/// - `list`: every ban in the firewall with remaining time and comment.
/// - `ban` / `unban`: operator actions (`duration` defaults to `defaultBanDuration`).
/// - `test-ip`: banned? allowlisted? how many past offences?
/// - `reload`: calls `reload`, which returns a one-line summary.
public struct EngineControlHandler: ControlRequestHandler {
    private let engine: BanEngine
    private let defaultBanDuration: Duration
    private let startedAt: Timestamp
    private let extraStatus: @Sendable () async -> [String: ControlValue]
    private let reload: @Sendable () async throws -> String

    public init(
        engine: BanEngine, defaultBanDuration: Duration = .seconds(3600), startedAt: Timestamp = .wallClock(),
        extraStatus: @escaping @Sendable () async -> [String: ControlValue] = { [:] },
        reload: @escaping @Sendable () async throws -> String
    ) {
        self.engine = engine
        self.defaultBanDuration = defaultBanDuration
        self.startedAt = startedAt
        self.extraStatus = extraStatus
        self.reload = reload
    }

    public func handle(_ request: ControlRequest) async -> ControlResponse {
        do {
            switch request.command {
            case .status: return .success(await status())
            case .list: return .success(.array(try await engine.firewall.list().sorted { $0.target < $1.target }.map(Self.json)))
            case .ban: return try await ban(request)
            case .unban:
                let target = try Self.target(request)
                try await engine.operatorUnban([target])
                return .success(.object(["unbanned": .string(target.description)]))
            case .testIP: return try await testIP(request)
            case .reload: return .success(.object(["summary": .string(try await reload())]))
            }
        } catch let error as FirewallError {
            return .failure("firewall: \(error.message)")
        } catch let error as AddressParseError {
            return .failure(error.description)
        } catch {
            return .failure("\(error)")
        }
    }

    private func status() async -> ControlValue {
        let statistics = await engine.statistics
        let now = Timestamp.wallClock()
        var firewall: ControlValue = .string("ok")
        do { try await engine.firewall.verify() } catch { firewall = .string(error.message) }
        var fields: [String: ControlValue] = [
            "uptime_seconds": .integer(now.since(startedAt).milliseconds / 1000),
            "firewall": firewall,
            "events_observed": .integer(Int64(statistics.eventsObserved)),
            "transactions": .integer(Int64(statistics.transactions)),
            "bans_applied": .integer(Int64(statistics.bansApplied)),
            "bans_restored": .integer(Int64(statistics.bansRestored)),
            "bans_refused_allowlist": .integer(Int64(statistics.bansRefusedByAllowlist)),
            "bans_rejected_firewall": .integer(Int64(statistics.bansRejectedByFirewall)),
            "firewall_failures": .integer(Int64(statistics.firewallFailures)),
            "ruleset_repairs": .integer(Int64(statistics.rulesetRepairs)),
            "bans_active": (try? await engine.firewall.list().count).map { .integer(Int64($0)) } ?? .null,
            "last_bans": .array(await engine.recentBans.elements.reversed().map(Self.json)),
        ]
        fields.merge(await extraStatus()) { _, extra in extra }
        return .object(fields)
    }

    private func ban(_ request: ControlRequest) async throws -> ControlResponse {
        let target = try Self.target(request)
        var duration = defaultBanDuration
        if let text = request.duration {
            guard let parsed = DurationText.parse(text), parsed > .zero else {
                return .failure("invalid duration '\(text)': use e.g. 90s, 15m, 1h, 7d")
            }
            duration = parsed
        }
        switch try await engine.operatorBan(target, duration: duration, reason: request.reason ?? "operator") {
        case .banned:
            return .success(.object(["banned": .string(target.description), "seconds": .integer(duration.milliseconds / 1000)]))
        case .refusedByAllowlist(let entry):
            return .failure("\(target) is allowlisted by \(entry); not banned")
        case .rejected(let error):
            return .failure("firewall refused \(target): \(error.message)")
        }
    }

    private func testIP(_ request: ControlRequest) async throws -> ControlResponse {
        let target = try Self.target(request)
        let entry = try await engine.firewall.lookup(target.network)
        let offender = try? await engine.store.offender(target)
        // The kernel's entry says whether and for how long; the store says why (the entry covering an
        // address may be a network ban, so look the record up by the entry's own target).
        let record = try? await engine.store.ban(for: entry?.target ?? target)
        let recent = target.isHost ? await engine.recentEvents(from: target.network) : []
        return .success(.object([
            "address": .string(target.description),
            "banned": entry.map(Self.json) ?? .null,
            "ban_record": record.map(Self.json) ?? .null,
            "allowlisted_by": await engine.allowlistEntry(overlapping: target).map { .string($0.description) } ?? .null,
            "offences": .integer(Int64(offender?.offenceCount ?? 0)),
            "recent_events": .array(recent.map(Self.json)),
        ]))
    }

    private static func target(_ request: ControlRequest) throws -> IPPrefix {
        guard let text = request.address else { throw ControlError("\(request.command.rawValue) needs \"address\"") }
        return try IPPrefix(parsing: text)
    }

    private static func json(_ record: BanRecord) -> ControlValue {
        .object([
            "target": .string(record.target.description),
            "expires_at_ms": .integer(record.expiresAt.millisecondsSinceEpoch),
            "created_at_ms": .integer(record.createdAt.millisecondsSinceEpoch),
            "reason": .string(record.reason),
            "origin": .string(record.origin),
        ])
    }

    private static func json(_ observed: ObservedEvent) -> ControlValue {
        let event = observed.event
        return .object([
            "received_at_ms": .integer(observed.receivedAt.millisecondsSinceEpoch),
            "time_ms": event.time.map { .integer($0.millisecondsSinceEpoch) } ?? .null,
            "rule": .string(event.rule),
            "severity": .string(event.severity.rawValue),
            "service": .string(event.service.rawValue),
            "origin": .string(event.origin.rawValue),
        ])
    }

    private static func json(_ entry: BanEntry) -> ControlValue {
        .object([
            "target": .string(entry.target.description),
            "timeout_ms": entry.timeout.map { .integer($0.milliseconds) } ?? .null,
            "expires_in_ms": entry.expiresIn.map { .integer($0.milliseconds) } ?? .null,
            "comment": entry.comment.map(ControlValue.string) ?? .null,
        ])
    }
}
