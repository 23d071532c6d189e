import ArgumentParser
import KobraKaiAddress

/// Parses address arguments strictly. A bad address is a data error (exit 65), not a usage error, so it is
/// parsed here rather than by ArgumentParser (which would exit 64).
enum Targets {
    static func parse(_ arguments: [String]) throws -> [IPPrefix] {
        var targets: [IPPrefix] = []
        var bad = false
        for argument in arguments {
            do {
                targets.append(try IPPrefix(parsing: argument))
            } catch {
                Failure.report(error.description)
                bad = true
            }
        }
        if bad { throw ExitCode(Failure.badData) }
        return targets
    }

    static func parseAddress(_ argument: String) throws -> IPAddress {
        do {
            return try IPAddress(parsing: argument)
        } catch {
            Failure.report(error.description)
            throw ExitCode(Failure.badData)
        }
    }
}
