import KobraKaiCore

/// A plain-text e-mail as handed to `sendmail -t`: headers, a blank line, the body, with local newlines.
///
/// Header injection is impossible by construction: every header value passes through `headerSafe`, which
/// replaces CR, LF and every other control character with a space (addresses are also checked at load
/// time), so no value can end its header and start another (`Bcc:`) or end the headers early. The body
/// keeps newlines and tabs only. Non-ASCII in the subject becomes `?` (no RFC 2047 encoder needed for
/// rule ids and host names); the body is declared UTF-8.
struct MailMessage: Sendable {
    var from: String
    var to: [String]
    var subject: String
    var date: Timestamp
    var body: String

    func rendered() -> [UInt8] {
        var text = ""
        text += "From: \(Self.headerSafe(from))\n"
        text += "To: \(to.map { Self.headerSafe($0) }.joined(separator: ", "))\n"
        text += "Subject: \(Self.headerSafe(subject, asciiOnly: true))\n"
        text += "Date: \(date.rfc5322)\n"
        text += "MIME-Version: 1.0\n"
        text += "Content-Type: text/plain; charset=utf-8\n"
        text += "Content-Transfer-Encoding: 8bit\n"
        // RFC 3834: tells vacation responders and ticket systems not to answer.
        text += "Auto-Submitted: auto-generated\n"
        text += "\n"
        text += Self.bodySafe(body)
        if !text.hasSuffix("\n") { text += "\n" }
        return Array(text.utf8)
    }

    /// One header line's worth of text: control characters (CR and LF first of all) become spaces.
    static func headerSafe(_ value: String, asciiOnly: Bool = false) -> String {
        var out = String.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value)
                || scalar.value == 0x2028 || scalar.value == 0x2029 {
                out.append(" ")
            } else if asciiOnly && !scalar.isASCII {
                out.append("?")
            } else {
                out.append(scalar)
            }
        }
        return String(String(out).prefix(900))
    }

    /// Body text: CRLF and lone CR become LF; other control characters except tab are dropped.
    static func bodySafe(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            defer { previousWasCR = scalar == "\r" }
            switch scalar {
            case "\r": out.append("\n")
            case "\n": if !previousWasCR { out.append("\n") }
            case "\t": out.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value) { continue }
                out.append(scalar)
            }
        }
        return String(out)
    }
}
