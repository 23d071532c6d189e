import KobraKaiNetfilterTestSupport

/// Small helpers around `ChildProcess` for the end-to-end tests.
enum ChildProcessShim {
    /// Runs `nft` from the calling thread (so, inside the namespace of the thread that calls it).
    static func nft(_ arguments: [String]) throws -> Int32 {
        try ChildProcess(["nft"] + arguments).run().status
    }
}
