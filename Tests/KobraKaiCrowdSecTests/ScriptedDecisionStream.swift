import Foundation
import KobraKaiCrowdSec
import KobraKaiHTTPTestSupport
import Synchronization

/// A loopback stand-in for the LAPI's `GET /v1/decisions/stream`: `startup=true` answers the whole `active`
/// list, every other pull answers the queued deltas in order, then empty ones. A decision put in `active`
/// without a delta is exactly what CrowdSec 1.4.6 does when a delta skips a batch: only a full pull shows it.
final class ScriptedDecisionStream: Sendable {
    private final class Script: Sendable {
        let active = Mutex<[CrowdSecDecision]>([])
        let deltas = Mutex<[DecisionStream]>([])
        let fullPulls = Mutex(0)
        let deltaPulls = Mutex(0)
    }

    private let script: Script
    let server: LoopbackHTTPServer

    init() throws {
        let script = Script()
        self.script = script
        server = try LoopbackHTTPServer { request in
            guard request.path.hasPrefix("/v1/decisions/stream") else { return .json(404, #"{"message":"not found"}"#) }
            if request.path.contains("startup=true") {
                script.fullPulls.withLock { $0 += 1 }
                return Self.answer(new: script.active.withLock { $0 }, deleted: [])
            }
            script.deltaPulls.withLock { $0 += 1 }
            let delta = script.deltas.withLock { $0.isEmpty ? DecisionStream() : $0.removeFirst() }
            return Self.answer(new: delta.new, deleted: delta.deleted)
        }
    }

    var url: String { server.baseURL }

    /// Full pulls answered so far.
    var fullPulls: Int { script.fullPulls.withLock { $0 } }

    /// Replaces what a full pull lists, without any delta.
    func setActive(_ decisions: [CrowdSecDecision]) { script.active.withLock { $0 = decisions } }

    /// Queues the answer of a later delta pull (the full list is not changed: call `setActive` too).
    func queueDelta(new: [CrowdSecDecision] = [], deleted: [CrowdSecDecision] = []) {
        script.deltas.withLock { $0.append(DecisionStream(new: new, deleted: deleted)) }
    }

    /// Delta pulls answered so far (each `startup=false` request).
    var deltaPulls: Int { script.deltaPulls.withLock { $0 } }

    static func ban(_ id: Int64, _ value: String, _ duration: String = "4h0m0s") -> CrowdSecDecision {
        CrowdSecDecision(id: id, origin: "lists", type: "ban", scope: value.contains("/") ? "Range" : "Ip", value: value,
                         duration: duration, scenario: "test/import")
    }

    private static func answer(new: [CrowdSecDecision], deleted: [CrowdSecDecision]) -> HTTPTestResponse {
        let body = (try? JSONEncoder().encode(["new": new, "deleted": deleted])) ?? Data()
        return .json(200, String(decoding: body, as: UTF8.self))
    }
}
