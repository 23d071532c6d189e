/// One message of a hand-built batch: table, set or flush operations that are not element lists.
struct BatchMessage {
    var type: UInt16
    var flags: UInt16
    var family: UInt8 = NfTables.familyInet
    var attributes: (inout NetlinkMessageWriter) -> Void
}
