import Testing

@Suite("kkset help text")
struct HelpTextTests {
    /// Every subcommand with a phrase of its abstract and of its discussion.
    static let subcommands: [(arguments: [String], abstract: String, discussion: String)] = [
        ([], "Manage KobraKai's nftables ban and allow sets.", "77 permission"),
        (["add"], "Ban addresses or prefixes.", "unless --force is given"),
        (["del"], "Remove bans.", "can be repeated safely"),
        (["flush"], "Remove every ban.", "The allowlist is left"),
        (["test"], "Check whether an address is banned.", "Exits 0 when the address is banned and 1"),
        (["list"], "List every ban with its timeout, remaining time and comment.", "one JSON array of objects"),
        (["allow"], "Manage the allowlist (never banned, never dropped).", "refuses them without --force"),
        (["allow", "add"], "Add addresses or prefixes to the allowlist.", "do not auto-merge"),
        (["allow", "del"], "Remove addresses or prefixes from the allowlist.", "are ignored"),
        (["allow", "list"], "List the allowlist.", "`address` and `comment`"),
        (["load"], "Ban every address or prefix listed in a file.", "Text after `#` is a comment"),
    ]

    @Test("Every subcommand has an abstract and a discussion", arguments: subcommands.indices)
    func helpText(index: Int) async throws {
        let (arguments, abstract, discussion) = Self.subcommands[index]
        let outcome = try await KKSetBinary.run(arguments + ["--help"])
        #expect(outcome.status == 0)
        let text = outcome.standardOutput.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.hasPrefix("OVERVIEW: \(abstract)"))
        #expect(text.contains(discussion))
        #expect(text.contains("USAGE: kkset"))
    }

    @Test("The root help lists every subcommand and `help add` matches `add --help`")
    func rootHelp() async throws {
        let root = try await KKSetBinary.run(["--help"]).standardOutput
        for name in ["add", "del", "flush", "test", "list", "allow", "load"] {
            #expect(root.contains("\n  \(name) "), "missing subcommand \(name)")
        }
        let viaHelp = try await KKSetBinary.run(["help", "add"])
        let viaFlag = try await KKSetBinary.run(["add", "--help"])
        #expect(viaHelp.standardOutput == viaFlag.standardOutput)
        #expect(viaFlag.standardOutput.contains("--timeout <timeout>"))
        #expect(viaFlag.standardOutput.contains("(default: 1h)"))
    }
}
