/// A benchmark run that could not measure what it meant to (a failed load, a wrong element count).
struct BenchmarkError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
