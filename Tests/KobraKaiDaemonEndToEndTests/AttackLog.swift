import Foundation
import Glibc

/// Writes Asterisk security-log lines the way Asterisk does: appended, one write per line.
struct AttackLog: Sendable {
    let path: String

    /// A `FailedACL` security event: high severity, so each line bans its address on first sight.
    static func failedACL(_ address: String) -> String {
        "[2026-01-01 00:00:00] SECURITY[2212] res_security_log.c: SecurityEvent=\"FailedACL\","
            + "EventTV=\"2026-01-01T00:00:00.000+0000\",Severity=\"Error\",Service=\"PJSIP\",EventVersion=\"1\","
            + "AccountID=\"100\",SessionID=\"0x1\",LocalAddress=\"IPV4/UDP/10.0.0.1/5060\","
            + "RemoteAddress=\"\(address.contains(":") ? "IPV6" : "IPV4")/UDP/\(address)/5060\",SessionTV=\"1970-01-01T00:00:00.000+0000\"\n"
    }

    func append(_ text: String) throws {
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        guard bytes.withUnsafeBytes({ write(descriptor, $0.baseAddress, $0.count) }) == bytes.count else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
    }

    func attack(_ addresses: [String]) throws {
        for address in addresses { try append(Self.failedACL(address)) }
    }

    /// Rename-and-recreate rotation as logrotate does it: older generations shift up (.1 → .2 …, none is
    /// overwritten), the live file becomes .1 and an empty one takes its place.
    func rotate() throws {
        var generation = 1
        while access(path + ".\(generation)", F_OK) == 0 { generation += 1 }
        while generation > 1 {
            guard rename(path + ".\(generation - 1)", path + ".\(generation)") == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            generation -= 1
        }
        guard rename(path, path + ".1") == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        try append("")
    }
}
