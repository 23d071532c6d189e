import KobraKaiCore
import Testing

@Suite("crowdsec configuration section")
struct CrowdSecConfigurationTests {
    @Test("defaults: off, loopback LAPI, 10 s pulls")
    func defaults() throws {
        let crowdsec = try Configuration.load(from: "{}").crowdsec
        #expect(!crowdsec.enabled && !crowdsec.pushEnabled)
        #expect(crowdsec.lapiURL == "http://127.0.0.1:8080" && crowdsec.pullInterval == .seconds(10))
        #expect(crowdsec.scenario == "kobrakai/voip-attack")
        #expect(crowdsec.fullPullInterval == .seconds(600))
    }

    @Test("full_pull_interval: a duration, or 0 to turn the periodic full pull off", arguments: [
        (#""30m""#, Duration.seconds(1800)), ("3600", .seconds(3600)), ("0", .zero), (#""0""#, .zero), (#""0s""#, .zero),
    ])
    func fullPullInterval(value: String, expected: Duration) throws {
        let crowdsec = try Configuration.load(from: #"{"crowdsec": {"full_pull_interval": "# + value + "}}").crowdsec
        #expect(crowdsec.fullPullInterval == expected)
    }

    @Test("a full section")
    func full() throws {
        let text = """
        {"crowdsec": {"enabled": true, "lapi_url": "http://10.0.0.5:8080/", "bouncer_api_key_file": "/etc/kobrakai/crowdsec.key",
          "pull_interval": "30s", "push_enabled": true, "machine_id": "pbx1", "password_file": "/etc/kobrakai/crowdsec.pw",
          "scenario": "kobrakai/sip"}}
        """
        let configuration = try Configuration.load(from: text)
        let crowdsec = configuration.crowdsec
        #expect(crowdsec.enabled && crowdsec.pushEnabled && crowdsec.lapiURL == "http://10.0.0.5:8080")
        #expect(crowdsec.bouncerAPIKeyFile == "/etc/kobrakai/crowdsec.key" && crowdsec.bouncerAPIKey == nil)
        #expect(crowdsec.pullInterval == .seconds(30) && crowdsec.machineID == "pbx1" && crowdsec.scenario == "kobrakai/sip")
        #expect(configuration.warnings.isEmpty)
    }

    @Test("bad sections name the key", arguments: [
        (#"{"crowdsec": {"enabled": true}}"#, "crowdsec.bouncer_api_key"),
        (#"{"crowdsec": {"enabled": true, "bouncer_api_key": "a", "bouncer_api_key_file": "/k"}}"#, "crowdsec.bouncer_api_key"),
        (#"{"crowdsec": {"push_enabled": true, "password": "p"}}"#, "crowdsec.machine_id"),
        (#"{"crowdsec": {"push_enabled": true, "machine_id": "m"}}"#, "crowdsec.password"),
        (#"{"crowdsec": {"lapi_url": "127.0.0.1:8080"}}"#, "crowdsec.lapi_url"),
        (#"{"crowdsec": {"pull_interval": "soon"}}"#, "crowdsec.pull_interval"),
        (#"{"crowdsec": {"full_pull_interval": "later"}}"#, "crowdsec.full_pull_interval"),
        (#"{"crowdsec": {"full_pull_interval": -5}}"#, "crowdsec.full_pull_interval"),
        (#"{"crowdsec": {"scenario": "has space"}}"#, "crowdsec.scenario"),
    ])
    func refused(text: String, keyPath: String) {
        #expect { try Configuration.load(from: text) } throws: { error in
            (error as? ConfigurationError)?.keyPath == keyPath
        }
    }
}
