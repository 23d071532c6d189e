import KobraKaiNetfilter

/// `kkbench [--elements N] [--reps N] [--netlink-iterations N] [--nft-iterations N] [--transaction-bytes N]`
struct Options {
    var elements = 100_000
    var reps = 7
    var netlinkIterations = 2000
    var nftIterations = 200
    var transactionBytes = TransactionLimits.standard.maximumTransactionBytes

    init(_ arguments: ArraySlice<String>) {
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            guard let value = iterator.next().flatMap({ Int($0) }), value > 0 else {
                fatalError("usage: kkbench [--elements N] [--reps N] [--netlink-iterations N] [--nft-iterations N]")
            }
            switch argument {
            case "--elements": elements = value
            case "--reps": reps = value
            case "--netlink-iterations": netlinkIterations = value
            case "--nft-iterations": nftIterations = value
            case "--transaction-bytes": transactionBytes = value
            default: fatalError("kkbench: unknown option \(argument)")
            }
        }
    }
}
