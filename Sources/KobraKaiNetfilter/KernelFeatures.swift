import Glibc
import KobraKaiFirewall

/// What the running kernel's nf_tables can do, found by trying it (nftables-netlink.md §4, §2.7).
public struct KernelFeatures: Hashable, Sendable, CustomStringConvertible {
    /// Re-adding an element with NFTA_SET_ELEM_EXPIRATION restarts its clock (the element-update path of
    /// 6.10+-class kernels). Without it, a plain re-add leaves the old expiry in place.
    public var expirationRefresh: Bool
    /// NFT_MSG_DESTROYSETELEM exists (Linux 6.3+): delete that ignores missing elements.
    public var destroyElement: Bool

    public init(expirationRefresh: Bool, destroyElement: Bool) {
        self.expirationRefresh = expirationRefresh
        self.destroyElement = destroyElement
    }

    /// How a re-ban restarts the timeout on this kernel.
    public var refreshStrategy: RefreshStrategy {
        if expirationRefresh { return .expirationAttribute }
        return destroyElement ? .destroyThenAdd : .deleteThenAdd
    }

    public var description: String {
        "expiration refresh: \(expirationRefresh ? "yes" : "no"), destroy element: \(destroyElement ? "yes" : "no")"
    }

    /// Probes the kernel in a throw-away table that only this probe's socket owns (NFT_TABLE_F_OWNER), so
    /// the kernel removes it even if the process dies mid-probe. Costs four small round trips.
    static func probe() throws(FirewallError) -> KernelFeatures {
        let socket = try NetlinkSocket()
        let table = "kobrakai_probe_\(getpid())_\(socket.portID)"
        let setName = "probe"
        let channel = SetElementChannel(socket: socket, table: table, limits: .standard)
        defer { _ = try? runBatch(socket, [deleteTableMessage(table)]) }
        let created = try runBatch(socket, [createTableMessage(table, owner: true), createSetMessage(table, setName)])
        if created != 0 {
            if created == EPERM || created == EACCES { throw KernelErrorMapper.permissionDenied(created) }
            // Kernels before 5.12 have no owner flag; fall back to a plain table removed by the defer above.
            let plain = try runBatch(socket, [createTableMessage(table, owner: false), createSetMessage(table, setName)])
            guard plain == 0 else { throw KernelErrorMapper.structural(plain, table: table, set: setName) }
        }
        let key: SetElementKey = [192, 0, 2, 1]
        let hour: Int64 = 3_600_000
        _ = try channel.apply([unit(setName, .add, SetElement(key: key, timeoutMilliseconds: hour))])
        let refreshed = try? channel.apply([unit(setName, .add, SetElement(
            key: key, timeoutMilliseconds: hour, expirationMilliseconds: 1000))])
        var expirationRefresh = false
        if refreshed?.isEmpty == true, let element = try channel.dump(setName: setName).first {
            expirationRefresh = (element.expirationMilliseconds ?? hour) <= 1000
        }
        let destroyed = try? channel.apply([unit(setName, .destroy, SetElement(key: [192, 0, 2, 2]))])
        return KernelFeatures(expirationRefresh: expirationRefresh, destroyElement: destroyed?.isEmpty == true)
    }

    private static func unit(_ setName: String, _ operation: ElementOperation, _ element: SetElement) -> ElementUnit {
        ElementUnit(setName: setName, operation: operation, elements: [element], owner: 0, target: nil)
    }

    /// The first errno of a batch, or 0 when every message was acknowledged.
    private static func runBatch(_ socket: NetlinkSocket, _ messages: [BatchMessage]) throws(FirewallError) -> Int32 {
        try socket.runBatch(messages).replies.first(where: { !$0.isAck })?.errorCode ?? 0
    }

    private static func createTableMessage(_ table: String, owner: Bool) -> BatchMessage {
        BatchMessage(type: NfTables.newTable, flags: Netlink.createFlag) { writer in
            writer.put(NfTables.tableName, string: table)
            if owner { writer.put(NfTables.tableFlags, bigEndian: NfTables.tableOwnerFlag) }
        }
    }

    private static func deleteTableMessage(_ table: String) -> BatchMessage {
        BatchMessage(type: NfTables.delTable, flags: 0) { writer in writer.put(NfTables.tableName, string: table) }
    }

    private static func createSetMessage(_ table: String, _ setName: String) -> BatchMessage {
        BatchMessage(type: NfTables.newSet, flags: Netlink.createFlag) { writer in
            writer.put(NfTables.setTable, string: table)
            writer.put(NfTables.setName, string: setName)
            writer.put(NfTables.setFlags, bigEndian: NfTables.setTimeoutFlag)
            writer.put(NfTables.setKeyType, bigEndian: UInt32(7))  // nft's ipv4_addr datatype, for `nft list`
            writer.put(NfTables.setKeyLength, bigEndian: UInt32(4))
            writer.put(NfTables.setIdentifier, bigEndian: UInt32(1))
        }
    }
}
