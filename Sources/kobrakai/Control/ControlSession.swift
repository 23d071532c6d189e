#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import KobraKaiAddress
import KobraKaiDaemon

/// One request to the running daemon with the CLI's error handling: 69 when it is not running (with a
/// hint), 77 without permission, 65 for a bad address, 1 when the daemon refused the request.
enum ControlSession {
    static func send(_ request: ControlRequest, connection: ControlConnectionOptions) throws -> ControlValue {
        let path = try connection.socketPath()
        let response: ControlResponse
        do {
            let client = try ControlClient(path: path)
            response = try client.send(request)
        } catch {
            switch error.errno {
            case ENOENT, ECONNREFUSED:
                fail("\(error.message)\nhint: start it with `systemctl start kobrakai` (or `kobrakai run`), or pass --socket/--config", code: 69)
            case EACCES, EPERM:
                fail("\(error.message)", code: 77)
            default:
                fail(error.message, code: 69)
            }
        }
        guard response.ok else {
            let message = response.error ?? "request failed"
            fail(message, code: message.hasPrefix("permission denied") ? 77 : 1)
        }
        return response.result ?? .null
    }

    /// Validates an address or prefix before it goes to the daemon (exit 65 with the reason).
    static func validatedTarget(_ text: String) throws -> String {
        do {
            return try IPPrefix(parsing: text).description
        } catch {
            fail("\(error)", code: 65)
        }
    }

    static func fail(_ message: String, code: Int32) -> Never {
        writeStandardError("kobrakai: \(message)\n")
        exit(code)
    }
}
