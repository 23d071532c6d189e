/// A benchmark step that could not do what it meant to.
struct PacketBenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
