import KobraKaiAddress

/// A stable persisted form for the daemon's state file (any `Encoder`, e.g. Foundation's `JSONEncoder`):
/// `{"target": "198.51.100.0/24", "offences": 2, "last_ban_ms": 1780000000000, "banned_until_ms": ...}`.
/// Decoding re-validates the target text, so a corrupted state file cannot smuggle in a bad prefix.
extension OffenderRecord: Codable {
    private enum CodingKeys: String, CodingKey {
        case target
        case offences
        case lastBan = "last_ban_ms"
        case bannedUntil = "banned_until_ms"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let text = try container.decode(String.self, forKey: .target)
        do {
            target = try IPPrefix(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: .target, in: container, debugDescription: error.description)
        }
        offences = try container.decode(Int.self, forKey: .offences)
        guard offences > 0 else {
            throw DecodingError.dataCorruptedError(forKey: .offences, in: container, debugDescription: "must be positive")
        }
        lastBan = Timestamp(millisecondsSinceEpoch: try container.decode(Int64.self, forKey: .lastBan))
        bannedUntil = Timestamp(millisecondsSinceEpoch: try container.decode(Int64.self, forKey: .bannedUntil))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(target.description, forKey: .target)
        try container.encode(offences, forKey: .offences)
        try container.encode(lastBan.millisecondsSinceEpoch, forKey: .lastBan)
        try container.encode(bannedUntil.millisecondsSinceEpoch, forKey: .bannedUntil)
    }
}
