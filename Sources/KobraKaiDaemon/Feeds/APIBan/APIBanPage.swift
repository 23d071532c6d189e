import Foundation  // JSONSerialization: entries of any JSON type must be counted, not fail the page

/// One answer of `GET <base>/<key>/banned[/<ID>]`, decoded.
///
/// APIBAN answers `{"ipaddress":["192.0.2.1", ...],"ID":"1700000000"}` (up to 250 addresses, oldest first)
/// with HTTP 200, and `{"ipaddress":["no new bans"],"ID":"none"}` with HTTP 400 when nothing is newer than
/// the ID asked for. Entries are kept as text: deciding which are addresses is the service's job, so
/// that one bad entry is counted and skipped without losing the page.
public enum APIBanPage: Hashable, Sendable {
    /// Addresses (as sent) and the ID to ask for next. `nonTextEntries` counts array elements that were
    /// not even strings.
    case banned(entries: [String], nextID: String, nonTextEntries: Int)
    /// Nothing newer than the ID asked for: keep it.
    case noNewBans

    /// The most addresses APIBAN sends per page; a shorter page is the last one for now.
    public static let pageSize = 250

    /// The `ID` value meaning "nothing newer".
    static let noneID = "none"

    /// Decodes a 200 or 400 body. `nil` when the body is not the documented object.
    static func decode(_ bytes: [UInt8]) -> APIBanPage? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else { return nil }
        let id: String
        switch object["ID"] {
        case let text as String: id = text
        // Documented as a string; a number would be the same timestamp, so accept it rather than stall.
        case let number as NSNumber where !(number is Bool) && number.int64Value >= 0: id = String(number.int64Value)
        default: return nil
        }
        guard !id.isEmpty else { return nil }
        if id == noneID { return .noNewBans }
        guard let list = object["ipaddress"] as? [Any] else { return nil }
        var entries: [String] = []
        entries.reserveCapacity(list.count)
        var nonText = 0
        for element in list {
            if let text = element as? String { entries.append(text) } else { nonText += 1 }
        }
        return .banned(entries: entries, nextID: id, nonTextEntries: nonText)
    }

    /// True for APIBAN's rate-limit answer, `{"ipaddress":"rate limit exceeded","ID":"unauthorized"}`.
    static func isRateLimitNotice(_ bytes: [UInt8]) -> Bool {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
              let text = object["ipaddress"] as? String
        else { return false }
        return text.lowercased().contains("rate limit")
    }

    /// An ID goes into the URL path: refuse anything that would change the path (APIBAN's are digits).
    static func isUsableID(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 64 && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }
            && id != "." && id != ".."
    }
}
