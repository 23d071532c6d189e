import Glibc
import KobraKaiFirewall

/// Turns kernel errnos into `FirewallError`s an operator can act on.
///
/// The mapping depends on context: ENOENT on the table or set attribute means the ruleset is not loaded,
/// ENOENT on an element being deleted just means "already gone"; EEXIST without NLM_F_EXCL only happens for
/// interval overlaps (nftables-netlink.md §2.9, §6.3).
public enum KernelErrorMapper {
    /// Where to find the ruleset, for messages.
    public static let loadHint =
        "load the KobraKai ruleset first: nft -f /etc/nftables.d/kobrakai.nft (shipped as nft/kobrakai.nft)"

    /// Maps an errno the kernel returned for a whole message or batch (not blamed on one element).
    public static func structural(_ code: Int32, table: String, set: String?, kernelMessage: String? = nil)
        -> FirewallError
    {
        let what = set.map { "table inet \(table) / set \($0)" } ?? "table inet \(table)"
        let detail = kernelMessage.map { " (kernel: \($0))" } ?? ""
        switch code {
        case ENOENT:
            return FirewallError(.rulesetMissing, "\(what) does not exist: \(loadHint)\(detail)", errno: code)
        case EPERM, EACCES:
            return permissionDenied(code)
        case EOPNOTSUPP, EPROTONOSUPPORT, EAFNOSUPPORT:
            return FirewallError(.unsupportedByKernel,
                                 "the running kernel does not support this nf_tables operation on \(what): "
                                 + "KobraKai needs Linux 5.10 or later (6.3+ recommended)\(detail)", errno: code)
        case ENOBUFS:
            return FirewallError(.outcomeUnknown, "kernel replies were lost (ENOBUFS)", errno: code)
        case EMSGSIZE:
            return FirewallError(.system, "netlink batch larger than the socket send buffer (EMSGSIZE); "
                                 + "raise /proc/sys/net/core/wmem_max", errno: code)
        case ERESTART:
            return FirewallError(.outcomeUnknown, "the ruleset changed during the update (ERESTART)", errno: code)
        default:
            return FirewallError(.system, "nf_tables error on \(what): \(describe(code))\(detail)", errno: code)
        }
    }

    /// Maps an errno the kernel blamed on one element of an add.
    public static func element(_ code: Int32, target: String, set: String, kernelMessage: String? = nil)
        -> FirewallError
    {
        let detail = kernelMessage.map { " (kernel: \($0))" } ?? ""
        switch code {
        case EEXIST:
            return FirewallError(.overlap, "\(target) overlaps an entry already in set \(set); "
                                 + "delete the existing entry first\(detail)", errno: code)
        case ENFILE, ENOSPC:
            return FirewallError(.setFull, "set \(set) is full; \(target) was not added\(detail)", errno: code)
        case EINVAL, ERANGE:
            return FirewallError(.invalidElement, "the kernel refused \(target) for set \(set): "
                                 + "\(describe(code))\(detail)", errno: code)
        case EOPNOTSUPP:
            return FirewallError(.unsupportedByKernel, "the kernel cannot store \(target) in set \(set) "
                                 + "as requested (\(describe(code)))\(detail)", errno: code)
        default:
            return structural(code, table: "kobrakai", set: set, kernelMessage: kernelMessage)
        }
    }

    static func permissionDenied(_ code: Int32) -> FirewallError {
        FirewallError(.permissionDenied,
                      "permission denied: changing nftables sets needs CAP_NET_ADMIN (run as root)", errno: code)
    }

    /// Errors of the socket calls themselves (open, bind, sendto, recv).
    static func socketError(_ code: Int32, operation: String) -> FirewallError {
        switch code {
        case EPERM, EACCES: permissionDenied(code)
        case ENOBUFS: FirewallError(.outcomeUnknown, "could not \(operation): replies lost (ENOBUFS)", errno: code)
        case EMSGSIZE: structural(code, table: "kobrakai", set: nil)
        default: FirewallError(.system, "could not \(operation): \(describe(code))", errno: code)
        }
    }

    static func describe(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
