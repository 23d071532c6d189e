import KobraKaiCore

/// The JSON a webhook receiver gets: always an array (a batch of one is an array of one, so receivers
/// parse one shape), one object per ban:
///
/// ```json
/// [{"target":"203.0.113.7/32","address":"203.0.113.7","reason":"pjsip.request.no-endpoint: 5 events in 60s",
///   "origin":"log","banned_at":"2026-11-22T08:15:02Z","expires_at":"2026-11-22T09:15:02Z",
///   "duration_seconds":3600,"host":"pbx1"}]
/// ```
/// `address` is present for host bans only. Written by hand (no Foundation encoder): every string goes
/// through `jsonString`, which escapes quotes, backslashes and all control characters.
enum WebhookPayload {
    static func encode(_ bans: [BanRecord], host: String) -> [UInt8] {
        var out = "["
        for (index, ban) in bans.enumerated() {
            if index > 0 { out += "," }
            out += "{\"target\":\(jsonString(ban.target.description))"
            if ban.target.isHost { out += ",\"address\":\(jsonString(ban.target.network.description))" }
            out += ",\"reason\":\(jsonString(ban.reason)),\"origin\":\(jsonString(ban.origin))"
            out += ",\"banned_at\":\(jsonString(ban.createdAt.iso8601)),\"expires_at\":\(jsonString(ban.expiresAt.iso8601))"
            out += ",\"duration_seconds\":\(max(0, ban.expiresAt.since(ban.createdAt).milliseconds / 1000))"
            out += ",\"host\":\(jsonString(host))}"
        }
        out += "]"
        return Array(out.utf8)
    }

    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
