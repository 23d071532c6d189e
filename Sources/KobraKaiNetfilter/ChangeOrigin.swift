/// Who committed a transaction, as the kernel reports it in its NEWGEN notification.
public struct ChangeOrigin: Sendable, Hashable, CustomStringConvertible {
    /// Id of the committing thread (`NFTA_GEN_PROC_PID`; the process id for single-threaded tools like
    /// nft), if the kernel said.
    public var processID: Int32?
    /// Its command (thread) name (`NFTA_GEN_PROC_NAME`, e.g. "nft"), if the kernel said.
    public var processName: String?
    /// The change came from this very process (the daemon's own firewall calls): usually nothing to react to.
    public var isThisProcess: Bool

    public init(processID: Int32?, processName: String?, isThisProcess: Bool) {
        self.processID = processID
        self.processName = processName
        self.isThisProcess = isThisProcess
    }

    public var description: String {
        let name = processName ?? "unknown process"
        return processID.map { "\(name) (pid \($0))" } ?? name
    }
}
