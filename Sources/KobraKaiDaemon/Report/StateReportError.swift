/// Why a report could not be made, with the sysexits code `kobrakai report` exits with.
public struct StateReportError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    /// 66 (no input) missing file, 77 permission, 65 (data) not a usable state database.
    public var exitCode: Int32

    public init(_ message: String, exitCode: Int32) {
        self.message = message
        self.exitCode = exitCode
    }

    public var description: String { message }
}
