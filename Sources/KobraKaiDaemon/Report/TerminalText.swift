/// Makes attacker-controlled text (account names from From headers, AMI user names) safe to print on a
/// terminal: control characters, escape sequences, C1 controls and bidirectional overrides become visible
/// escapes (`\x1b`, `\u202e`), so a name can neither move the cursor, recolour the screen, nor reorder a
/// line to fake an address. Backslashes are doubled, so an escape shown is always one that was neutralised.
public enum TerminalText {
    public static func sanitised(_ text: String, limit: Int = 40) -> String {
        var result = ""
        var shown = 0
        for scalar in text.unicodeScalars {
            let piece: String
            if scalar == "\\" {
                piece = "\\\\"
            } else if isDangerous(scalar) {
                piece = scalar.value < 0x100 ? "\\x" + hex(scalar.value, digits: 2) : "\\u" + hex(scalar.value, digits: 4)
            } else {
                piece = String(scalar)
            }
            if shown >= limit {
                result += "…"
                break
            }
            result += piece
            shown += 1
        }
        return result
    }

    static func isDangerous(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true  // C0, DEL, C1 (0x9B is a one-byte CSI)
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true  // bidi marks and overrides
        case 0x2028, 0x2029, 0xFEFF: true  // line/paragraph separators, zero-width no-break space
        default: false
        }
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
