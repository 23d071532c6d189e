import KobraKaiNetfilter

/// `kkbench [--elements N] [--reps N] [--netlink-iterations N] [--nft-iterations N] [--transaction-bytes N]
/// [--sections bulk,restore,roundtrip] [--monitor 0|1|2]`
struct Options {
    static let usage = "usage: kkbench [--elements N] [--reps N] [--netlink-iterations N] [--nft-iterations N] "
        + "[--transaction-bytes N] [--sections bulk,restore,roundtrip] [--monitor 0|1|2]"
    static let allSections: Set<String> = ["bulk", "restore", "roundtrip"]

    var elements = 100_000
    var reps = 7
    var netlinkIterations = 2000
    var nftIterations = 200
    var transactionBytes = TransactionLimits.standard.maximumTransactionBytes
    var sections = allSections
    /// 1: run an `NftablesMonitor` during the benchmark (the kernel then also builds a notification per
    /// element); 2: run one but suspended, as the daemon does around its bulk operations.
    var monitorMode = 0

    init(_ arguments: ArraySlice<String>) {
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            guard let text = iterator.next() else { fatalError(Self.usage) }
            if argument == "--sections" {
                sections = Set(text.split(separator: ",").map(String.init))
                guard !sections.isEmpty, sections.isSubset(of: Self.allSections) else { fatalError(Self.usage) }
                continue
            }
            if argument == "--monitor" {
                guard let mode = Int(text), (0...2).contains(mode) else { fatalError(Self.usage) }
                monitorMode = mode
                continue
            }
            guard let value = Int(text), value > 0 else { fatalError(Self.usage) }
            switch argument {
            case "--elements": elements = value
            case "--reps": reps = value
            case "--netlink-iterations": netlinkIterations = value
            case "--nft-iterations": nftIterations = value
            case "--transaction-bytes": transactionBytes = value
            default: fatalError("kkbench: unknown option \(argument)\n\(Self.usage)")
            }
        }
    }
}
