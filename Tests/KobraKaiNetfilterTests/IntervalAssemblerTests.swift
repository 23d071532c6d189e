import KobraKaiAddress
@testable import KobraKaiNetfilter
import Testing

@Suite("Interval elements and prefixes")
struct IntervalAssemblerTests {
    static func range(_ prefix: String) -> [SetElement] {
        IntervalAssembler.elements(for: IPPrefix(prefix)!, timeoutMilliseconds: 1000, expirationMilliseconds: nil,
                                   comment: nil)
    }

    @Test("A prefix is a start plus the first address after it; the top of the space has no end")
    func encoding() {
        #expect(Self.range("198.51.100.0/24").map { Array($0.key) } == [[198, 51, 100, 0], [198, 51, 101, 0]])
        #expect(Self.range("198.51.100.0/24").map(\.isIntervalEnd) == [false, true])
        #expect(Self.range("255.255.255.0/24").count == 1)
        #expect(Self.range("ffff:ffff::/32").count == 1)
        #expect(Self.range("0.0.0.0/0").count == 1)
    }

    @Test("Dumped starts and ends pair up into the original prefixes", arguments: [
        ["198.51.100.0/24", "10.0.0.0/8", "255.255.255.0/24"],
        ["2001:db8::/32", "ffff:ffff::/32", "4000::/2"],
        ["0.0.0.0/0"],
        ["192.0.2.1/32", "192.0.2.2/31"],
    ])
    func reassembly(prefixes: [String]) {
        let elements = prefixes.flatMap(Self.range).shuffled()
        let rebuilt = IntervalAssembler.ranges(elements).flatMap(IntervalAssembler.prefixes(of:))
        #expect(Set(rebuilt.map(\.description)) == Set(prefixes.map { IPPrefix($0)!.description }))
    }

    @Test("A hand-made range splits into the minimal prefixes; a stray leading end is ignored")
    func arbitraryRange() {
        let elements = [
            SetElement(key: [0, 0, 0, 0], isIntervalEnd: true),
            SetElement(key: [10, 0, 0, 1]),
            SetElement(key: [10, 0, 0, 7], isIntervalEnd: true),
        ]
        let rebuilt = IntervalAssembler.ranges(elements).flatMap(IntervalAssembler.prefixes(of:))
        #expect(rebuilt.map(\.description) == ["10.0.0.1", "10.0.0.2/31", "10.0.0.4/31", "10.0.0.6"])
    }
}

@Suite("Dump consistency")
struct DumpConsistencyTests {
    @Test("A repeated key marks a dump as inconsistent; a start and an end may share a key")
    func repeatedKeys() {
        let start = SetElement(key: [10, 0, 0, 0], timeoutMilliseconds: 5)
        let end = SetElement(key: [10, 0, 0, 0], isIntervalEnd: true)
        #expect(SetElementChannel.keysAreUnique([start, end, SetElement(key: [10, 0, 0, 1])]))
        var again = start
        again.expirationMilliseconds = 3  // the same element seen twice, a moment apart
        #expect(!SetElementChannel.keysAreUnique([start, end, again]))
    }
}
