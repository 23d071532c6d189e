"""CrowdSec sync benchmark, part 1: private network namespaces, the CrowdSec LAPI, KobraKai and
crowdsec-firewall-bouncer started inside them (see crowdsec-sync.py)."""
import json
import os
import shutil
import signal
import subprocess
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PID = os.getpid()
NS_LAPI, NS_OURS, NS_THEIRS = f"kkb-lapi-{PID}", f"kkb-ours-{PID}", f"kkb-theirs-{PID}"
LAPI_OURS, OURS = "10.66.1.1", "10.66.1.2"
LAPI_THEIRS, THEIRS = "10.66.2.1", "10.66.2.2"
PORT = 8080
OUR_KEY = "kobrakaibenchbouncerkey0123456789"
THEIR_KEY = "firewallbenchbouncerkey0123456789"
TIMEOUT = 180.0
# A bouncer that has not changed its set for this long after the LAPI call returned is done (maybe incomplete);
# with a 1 s poll interval that is five pulls.
SETTLE = 5.0


class CommandFailed(Exception):
    """A command of the benchmark's own (ip, nft, cscli) that exited non-zero, with its error output."""


def run(*args, ns=None, check=True, input=None):
    command = (["ip", "netns", "exec", ns] if ns else []) + list(args)
    result = subprocess.run(command, input=input, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise CommandFailed(f"{' '.join(command)} exited {result.returncode}: {result.stderr.strip()}")
    return result.stdout


def install(script):
    return run(os.path.join(REPO, script), "install").strip().splitlines()[-1]


class Namespaces:
    def __enter__(self):
        for ns in (NS_LAPI, NS_OURS, NS_THEIRS):
            run("ip", "netns", "add", ns)
            run("ip", "link", "set", "lo", "up", ns=ns)
        for peer, lapi_side, peer_side in ((NS_OURS, LAPI_OURS, OURS), (NS_THEIRS, LAPI_THEIRS, THEIRS)):
            here, there = f"kkb{peer_side.split('.')[2]}a", f"kkb{peer_side.split('.')[2]}b"
            run("ip", "link", "add", here, "type", "veth", "peer", "name", there, "netns", peer, ns=NS_LAPI)
            run("ip", "addr", "add", f"{lapi_side}/30", "dev", here, ns=NS_LAPI)
            run("ip", "link", "set", here, "up", ns=NS_LAPI)
            run("ip", "addr", "add", f"{peer_side}/30", "dev", there, ns=peer)
            run("ip", "link", "set", there, "up", ns=peer)
        return self

    def __exit__(self, *exc):
        for ns in (NS_LAPI, NS_OURS, NS_THEIRS):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)


class Child:
    """A program started inside a namespace, output to a log file; stopped with SIGTERM, then SIGKILL."""

    def __init__(self, ns, args, log):
        self.ns, self.args, self.log = ns, args, log
        self.start()

    def start(self):
        self.process = subprocess.Popen(["ip", "netns", "exec", self.ns] + self.args, stdout=open(self.log, "ab"),
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

    def cpu_seconds(self):
        """User + system time of the program (ip netns exec execs it, so the pid is the program's)."""
        try:
            fields = open(f"/proc/{self.process.pid}/stat").read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return float("nan")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def tail(self, lines=15):
        try:
            return "\n".join(open(self.log, errors="replace").read().splitlines()[-lines:])
        except OSError:
            return ""


def start_lapi(crowdsec, work):
    config = os.path.join(work, "lapi")
    os.makedirs(f"{config}/data")
    for name in ("profiles.yaml", "simulation.yaml"):
        shutil.copy(f"{crowdsec}/etc/crowdsec/{name}", config)
    open(f"{config}/config.yaml", "w").write(f"""common:
  daemonize: false
  log_media: stdout
  log_level: info
  working_dir: .
config_paths:
  config_dir: {config}/
  data_dir: {config}/data/
  simulation_path: {config}/simulation.yaml
  hub_dir: {config}/hub/
  index_path: {config}/hub/.index.json
  notification_dir: {config}/notifications/
  plugin_dir: {crowdsec}/usr/lib/crowdsec/plugins/
crowdsec_service:
  acquisition_path: {config}/acquis.yaml
cscli:
  output: human
db_config:
  log_level: info
  type: sqlite
  use_wal: true
  db_path: {config}/data/crowdsec.db
api:
  client:
    credentials_path: {config}/local_api_credentials.yaml
  server:
    log_level: info
    listen_uri: 0.0.0.0:{PORT}
    profiles_path: {config}/profiles.yaml
    trusted_ips:
      - 127.0.0.1
prometheus:
  enabled: false
""")
    open(f"{config}/local_api_credentials.yaml", "w").close()

    def cscli(*args, check=True):
        return run(f"{crowdsec}/usr/bin/cscli", "-c", f"{config}/config.yaml", *args, ns=NS_LAPI, check=check)

    cscli("bouncers", "add", "kobrakai-bench", "-k", OUR_KEY)
    cscli("bouncers", "add", "firewall-bench", "-k", THEIR_KEY)
    cscli("machines", "add", "kkbench", "-p", "kobrakai-bench-machine-password-42", "--force",
          "-f", f"{config}/local_api_credentials.yaml", "--url", f"http://127.0.0.1:{PORT}")
    lapi = Child(NS_LAPI, [f"{crowdsec}/usr/bin/crowdsec", "-c", f"{config}/config.yaml", "-no-cs", "-no-capi"],
                 f"{work}/lapi.log")
    deadline = time.monotonic() + 30
    while subprocess.run(["ip", "netns", "exec", NS_LAPI, "bash", "-c", f"echo > /dev/tcp/127.0.0.1/{PORT}"],
                         capture_output=True).returncode != 0:
        if lapi.process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"bench-crowdsec: the LAPI did not start:\n{lapi.tail()}")
        time.sleep(0.1)
    return lapi, cscli


def start_kobrakai(kobrakai, work, poll):
    directory = f"{work}/kobrakai"
    os.makedirs(directory)
    open(f"{directory}/empty.log", "w").close()
    config = {"log_sources": [{"path": f"{directory}/empty.log", "format": "asterisk"}],
              "state_directory": f"{directory}/state", "control_socket": f"{directory}/control.sock",
              "crowdsec": {"enabled": True, "lapi_url": f"http://{LAPI_OURS}:{PORT}", "bouncer_api_key": OUR_KEY,
                           "pull_interval": poll}}
    json.dump(config, open(f"{directory}/kobrakai.json", "w"))
    os.chmod(f"{directory}/kobrakai.json", 0o600)
    run("nft", "-f", os.path.join(REPO, "nft/kobrakai.nft"), ns=NS_OURS)
    # CROWDSEC_DEBUG=1: the daemon logs each pull's size and timing (kept as bench-out/crowdsec-kobrakai.log).
    debug = ["--debug"] if os.environ.get("CROWDSEC_DEBUG") == "1" else []
    return Child(NS_OURS, [kobrakai, "run", "--config", f"{directory}/kobrakai.json"] + debug, f"{work}/kobrakai.log")


def start_firewall_bouncer(root, work, poll):
    directory = f"{work}/firewall-bouncer"
    os.makedirs(directory)
    # The package's configuration with the values a benchmark needs: nftables mode, this LAPI and key, the
    # same poll interval as KobraKai's, no daemonizing, no Prometheus port, logs in the work directory.
    open(f"{directory}/bouncer.yaml", "w").write(f"""mode: nftables
pid_dir: {directory}/
update_frequency: {poll}
daemonize: false
log_mode: file
log_dir: {directory}/
log_level: info
log_compression: false
api_url: http://{LAPI_THEIRS}:{PORT}/
api_key: {THEIR_KEY}
insecure_skip_verify: false
disable_ipv6: false
deny_action: DROP
deny_log: false
supported_decisions_types:
  - ban
blacklists_ipv4: crowdsec-blacklists
blacklists_ipv6: crowdsec6-blacklists
nftables:
  ipv4:
    enabled: true
    set-only: false
    table: crowdsec
    chain: crowdsec-chain
  ipv6:
    enabled: true
    set-only: false
    table: crowdsec6
    chain: crowdsec6-chain
prometheus:
  enabled: false
  listen_addr: 127.0.0.1
  listen_port: 60601
""")
    child = Child(NS_THEIRS, [f"{root}/usr/bin/crowdsec-firewall-bouncer", "-c", f"{directory}/bouncer.yaml"],
                  f"{work}/firewall-bouncer.out")
    child.log_dir = directory
    return child


def tail_file(path, lines=15):
    try:
        return "\n".join(open(path, errors="replace").read().splitlines()[-lines:])
    except OSError:
        return ""
