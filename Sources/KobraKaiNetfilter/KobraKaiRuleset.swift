import KobraKaiAddress

/// The names nft/kobrakai.nft defines; the daemon, kkset and the detection core rely on them.
public enum KobraKaiRuleset {
    public static let table = "kobrakai"
    public static let allowV4 = "allow_v4"
    public static let allowV6 = "allow_v6"
    public static let banV4 = "ban_v4"
    public static let banV6 = "ban_v6"
    public static let banNetV4 = "ban_net_v4"
    public static let banNetV6 = "ban_net_v6"

    public static let allSets = [allowV4, allowV6, banV4, banV6, banNetV4, banNetV6]
    static let banSets = [banV4, banV6, banNetV4, banNetV6]

    /// The ban set a target belongs in: hosts in the hash sets, prefixes in the interval sets.
    static func banSet(for target: IPPrefix) -> String {
        switch (target.isIPv4, target.isHost) {
        case (true, true): banV4
        case (false, true): banV6
        case (true, false): banNetV4
        case (false, false): banNetV6
        }
    }

    static func allowSet(for target: IPPrefix) -> String { target.isIPv4 ? allowV4 : allowV6 }

    static func isIntervalSet(_ name: String) -> Bool {
        name == banNetV4 || name == banNetV6 || name == allowV4 || name == allowV6
    }
}
