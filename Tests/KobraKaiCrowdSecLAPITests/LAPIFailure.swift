/// A LAPI test fixture that could not be set up; the test fails with this text (never skips).
struct LAPIFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
