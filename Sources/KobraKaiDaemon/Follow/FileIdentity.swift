/// Which file a descriptor or path refers to: device and inode, the pair that survives renames and changes
/// when a log is rotated by rename-and-recreate.
public struct FileIdentity: Hashable, Sendable, CustomStringConvertible {
    public var device: UInt64
    public var inode: UInt64

    public init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }

    public var description: String { "dev \(device) ino \(inode)" }
}
