/// One decision as `/v1/decisions/stream` returns it (`models.Decision` of CrowdSec 1.4.6).
public struct CrowdSecDecision: Hashable, Sendable, Codable {
    /// The LAPI's row id; a deletion names the same id as the addition it undoes.
    public var id: Int64
    /// Who made it: `crowdsec` (an agent), `cscli`, `CAPI`, `lists`, ...
    public var origin: String
    /// `ban`, `captcha`, ...; only `ban` is applied.
    public var type: String
    /// `Ip` or `Range` (others, like `Country`, are ignored).
    public var scope: String
    public var value: String
    /// The remaining time as a Go duration (negative once expired).
    public var duration: String
    public var scenario: String

    public init(id: Int64, origin: String, type: String, scope: String, value: String, duration: String, scenario: String) {
        self.id = id
        self.origin = origin
        self.type = type
        self.scope = scope
        self.value = value
        self.duration = duration
        self.scenario = scenario
    }

    private enum CodingKeys: String, CodingKey { case id, origin, type, scope, value, duration, scenario }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        // The swagger marks `id` optional; a decision without one cannot be matched to its deletion, so it
        // gets an id no LAPI row has (negative) and is kept until it expires.
        id = try container.decodeIfPresent(Int64.self, forKey: .id) ?? -1
        origin = try container.decodeIfPresent(String.self, forKey: .origin) ?? ""
        type = try container.decode(String.self, forKey: .type)
        scope = try container.decode(String.self, forKey: .scope)
        value = try container.decode(String.self, forKey: .value)
        duration = try container.decode(String.self, forKey: .duration)
        scenario = try container.decodeIfPresent(String.self, forKey: .scenario) ?? ""
    }
}
