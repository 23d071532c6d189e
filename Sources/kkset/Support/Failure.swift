import ArgumentParser
import Foundation
import KobraKaiFirewall

/// Reports an error on standard error and chooses the sysexits status for it.
enum Failure {
    static let badData: Int32 = 65
    static let unavailable: Int32 = 69
    static let software: Int32 = 70
    static let temporary: Int32 = 75
    static let permission: Int32 = 77

    static func exitCode(for error: FirewallError) -> ExitCode {
        switch error.code {
        case .rulesetMissing, .unsupportedByKernel: ExitCode(unavailable)
        case .permissionDenied: ExitCode(permission)
        case .overlap, .setFull, .invalidElement: ExitCode(badData)
        case .outcomeUnknown: ExitCode(temporary)
        case .system: ExitCode(software)
        }
    }

    /// Prints `kkset: message` to standard error.
    static func report(_ message: String) {
        FileHandle.standardError.write(Data("kkset: \(message)\n".utf8))
    }

    static func exit(_ error: FirewallError) -> ExitCode {
        report(error.message)
        return exitCode(for: error)
    }
}
