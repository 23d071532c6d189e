import ArgumentParser
import KobraKaiCore

extension KobraKai {
    /// Prints the built-in rule catalogue.
    struct Rules: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the built-in detection rules with their service and severity.")

        @Flag(name: .long, help: "Print one JSON object per rule.")
        var json = false

        func run() {
            var output = ""
            for rule in RuleCatalogue.all {
                if json {
                    output +=
                        "{\"id\":\(JSONText.quoted(rule.id)),\"service\":\(JSONText.quoted(rule.service.rawValue)),"
                        + "\"severity\":\(JSONText.quoted(rule.severity.rawValue)),\"matches\":\(JSONText.quoted(rule.matches)),"
                        + "\"rationale\":\(JSONText.quoted(rule.rationale))}\n"
                } else {
                    output +=
                        rule.id.padding(to: 40) + rule.severity.rawValue.padding(to: 15)
                        + rule.service.rawValue.padding(to: 11) + rule.matches + "\n"
                }
            }
            print(output, terminator: "")
        }
    }
}

extension String {
    func padding(to width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
