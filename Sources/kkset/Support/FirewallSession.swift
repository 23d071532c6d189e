import ArgumentParser
import KobraKaiFirewall
import KobraKaiNetfilter

/// Opens the netlink backend and turns its errors into messages and exit codes.
enum FirewallSession {
    static func run<T>(_ body: (NftablesFirewall) async throws(FirewallError) -> T) async throws -> T {
        do {
            let firewall = try NftablesFirewall()
            return try await body(firewall)
        } catch {
            throw Failure.exit(error)
        }
    }
}
