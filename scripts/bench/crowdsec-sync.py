#!/usr/bin/env python3
"""CrowdSec sync benchmark (make bench-crowdsec, root): time from `cscli decisions import` of N decisions
(some of them ranges) to all of them being in the kernel set, for KobraKai's bouncer (the release
`kobrakai run` with crowdsec enabled) and Debian 12's crowdsec-firewall-bouncer 0.0.25 in nftables mode,
side by side against the same real CrowdSec 1.4.6 Local API, with the same poll interval.

Three private network namespaces (named kkb-*-PID, removed at exit): the LAPI's, KobraKai's and the
firewall bouncer's, each bouncer joined to the LAPI's namespace by its own veth pair. The host's
interfaces, ruleset and /etc/crowdsec are never touched.

Each round: import N decisions (two back-to-back `cscli decisions import` runs, one per scope), poll both
kernel sets (each from its own thread, `nft -j list set`) until every decision is present, then
`cscli decisions delete --all` and poll until every one is gone. Prints figures, what each bouncer made of
the ranges, how many decisions never arrived (CrowdSec 1.4.6's delta stream can skip a batch committed
while a bouncer pulls), and BENCH lines.

Environment: CROWDSEC_DECISIONS (10000), CROWDSEC_RANGES (100, part of the total), CROWDSEC_ROUNDS (5),
CROWDSEC_POLL (1s, both bouncers), KOBRAKAI (path of the release kobrakai binary).
"""
import ipaddress
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
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


def run(*args, ns=None, check=True, input=None):
    command = (["ip", "netns", "exec", ns] if ns else []) + list(args)
    result = subprocess.run(command, input=input, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise SystemExit(f"bench-crowdsec: {' '.join(command)} exited {result.returncode}: {result.stderr.strip()}")
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


def element_text(element):
    """`nft -j` set elements: plain values, {"prefix": ...}, {"range": ...}, or {"elem": {"val": ...}}."""
    if isinstance(element, dict) and "elem" in element:
        element = element["elem"]["val"]
    if isinstance(element, dict) and "prefix" in element:
        return f"{element['prefix']['addr']}/{element['prefix']['len']}"
    if isinstance(element, dict) and "range" in element:
        return f"{element['range'][0]}-{element['range'][1]}"
    return str(element)


def set_elements(ns, family, table, name):
    """The elements of one set, or None while the set does not exist."""
    result = subprocess.run(["ip", "netns", "exec", ns, "nft", "-j", "list", "set", family, table, name],
                            capture_output=True, text=True)
    if result.returncode != 0:
        return None
    for item in json.loads(result.stdout)["nftables"]:
        if "set" in item:
            return {element_text(e) for e in item["set"].get("elem", [])}
    return set()


class Side:
    """One bouncer's kernel view: which sets to read and how to decide that a decision is present."""

    def __init__(self, name, ns, sets):
        self.name, self.ns, self.sets = name, ns, sets

    def elements(self):
        found = set()
        for family, table, name in self.sets:
            elements = set_elements(self.ns, family, table, name)
            if elements:
                found |= elements
        return found


def host_numbers(elements):
    """The single IPv4 addresses among `elements`, as integers."""
    numbers = set()
    for element in elements:
        if "/" not in element and "-" not in element and ":" not in element:
            numbers.add(int.from_bytes(socket.inet_aton(element), "big"))
    return numbers


def missing(elements, expected):
    """The expected values not present. A range counts as present when it is there as the prefix or as any
    single address inside it (what each bouncer does with ranges is reported separately)."""
    hosts = None
    absent = []
    for value in expected:
        if value in elements:
            continue
        if "/" in value:
            hosts = host_numbers(elements) if hosts is None else hosts
            network = ipaddress.ip_network(value)
            first = int(network.network_address)
            if network.num_addresses <= 65536 and any(first + i in hosts for i in range(network.num_addresses)):
                continue
        absent.append(value)
    return absent


def wait_for(side, remaining, started, source_done, result, key, settle=SETTLE):
    """Polls `side` until `remaining(elements)` is empty, or until nothing has changed for SETTLE seconds
    after the import/delete returned. Stores (time when done or None, what is left, time of the last
    change, polls, elements)."""
    polls, last_change, previous = 0, 0.0, None
    while True:
        elements = side.elements()
        left = remaining(elements)
        polls += 1
        now = time.monotonic() - started
        if previous is None or len(left) != previous:
            last_change, previous = now, len(left)
        if not left:
            result[key] = (now, left, last_change, polls, elements)
            return
        if (source_done.is_set() and now - last_change > settle) or now > TIMEOUT:
            result[key] = (None, left, last_change, polls, elements)
            return


def main():
    if os.geteuid() != 0:
        raise SystemExit("bench-crowdsec: needs root (network namespaces, nftables)")
    # SIGTERM (make interrupted, a CI timeout) unwinds like Ctrl-C, so the namespaces and children go too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    total = int(os.environ.get("CROWDSEC_DECISIONS", "10000"))
    ranges = int(os.environ.get("CROWDSEC_RANGES", "100"))
    rounds = int(os.environ.get("CROWDSEC_ROUNDS", "5"))
    poll = os.environ.get("CROWDSEC_POLL", "1s")
    kobrakai = os.environ.get("KOBRAKAI", os.path.join(REPO, ".build/release/kobrakai"))
    if not os.access(kobrakai, os.X_OK):
        raise SystemExit(f"bench-crowdsec: {kobrakai} missing (swift build -c release --product kobrakai)")
    crowdsec = install("scripts/crowdsec-lapi.sh")
    bouncer_root = install("scripts/bench/crowdsec-firewall-bouncer.sh")
    work = tempfile.mkdtemp(prefix="kkb-crowdsec-")
    children = []
    try:
        with Namespaces():
            lapi, cscli = start_lapi(crowdsec, work)
            children.append(lapi)
            ours = start_kobrakai(kobrakai, work, poll)
            children.append(ours)
            theirs = start_firewall_bouncer(bouncer_root, work, poll)
            children.append(theirs)
            sides = [Side("kobrakai", NS_OURS, [("inet", "kobrakai", "ban_v4"), ("inet", "kobrakai", "ban_net_v4")]),
                     Side("crowdsec-firewall-bouncer", NS_THEIRS, [("ip", "crowdsec", "crowdsec-blacklists")])]
            warm_up(cscli, sides, [ours, theirs])
            results = measure(cscli, work, sides, [ours, theirs], total, ranges, rounds)
            startup = measure_startup(cscli, work, sides, [ours, theirs], total, ranges)
            report(results, startup, total, ranges, rounds, poll)
    finally:
        for child in reversed(children):
            child.stop()
        shutil.rmtree(work, ignore_errors=True)


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
    return Child(NS_OURS, [kobrakai, "run", "--config", f"{directory}/kobrakai.json"], f"{work}/kobrakai.log")


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


def warm_up(cscli, sides, children):
    """One decision until both bouncers show it: both are pulling, their tables and sets exist."""
    cscli("decisions", "add", "--ip", "192.0.2.250", "--duration", "1h", "--reason", "kkbench warm-up")
    started = time.monotonic()
    for side, child in zip(sides, children):
        while "192.0.2.250" not in side.elements():
            if child.process.poll() is not None or time.monotonic() - started > 60:
                logs = child.tail()
                if hasattr(child, "log_dir"):
                    logs += "\n" + tail_file(f"{child.log_dir}/crowdsec-firewall-bouncer.log")
                raise SystemExit(f"bench-crowdsec: {side.name} did not apply the warm-up decision:\n{logs}")
            time.sleep(0.1)
    cscli("decisions", "delete", "--all")
    for side in sides:
        while side.elements():
            if time.monotonic() - started > 60:
                raise SystemExit(f"bench-crowdsec: {side.name} kept the warm-up decision")
            time.sleep(0.1)


def tail_file(path, lines=15):
    try:
        return "\n".join(open(path, errors="replace").read().splitlines()[-lines:])
    except OSError:
        return ""


def decisions(total, ranges, round_index):
    """`total` decisions: `ranges` /24 ranges in 100.96.0.0/12 and single addresses in 100.64.0.0/11,
    shifted per round so that no round sees a previous round's values."""
    base = int(ipaddress.ip_address("100.64.0.0")) + round_index * 0x40000
    singles = [str(ipaddress.ip_address(base + index)) for index in range(total - ranges)]
    range_base = int(ipaddress.ip_address("100.96.0.0")) + round_index * 0x10000
    networks = [f"{ipaddress.ip_address(range_base + index * 256)}/24" for index in range(ranges)]
    return singles, networks


def timed_round(commands, cscli, sides, children, remaining):
    """Runs cscli commands while every side is polled from its own thread; returns the time the commands
    took, the per-side outcome of wait_for and the CPU time each bouncer used meanwhile."""
    cpu_before = [child.cpu_seconds() for child in children]
    outcome, done = {}, threading.Event()
    started = time.monotonic()
    threads = [threading.Thread(target=wait_for, args=(side, remaining, started, done, outcome, side.name), daemon=True)
               for side in sides]
    for thread in threads:
        thread.start()
    for command in commands:
        cscli(*command)
    returned = time.monotonic() - started
    done.set()
    for thread in threads:
        thread.join()
    cpu = [child.cpu_seconds() - before for child, before in zip(children, cpu_before)]
    return returned, [outcome[side.name] for side in sides], cpu


def measure(cscli, work, sides, children, total, ranges, rounds):
    results = []
    for round_index in range(rounds):
        singles, networks = decisions(total, ranges, round_index)
        # CrowdSec 1.4.6's import takes the scope from --scope (default Ip) and ignores the file's: one import
        # per scope, started back to back. Capitalised: the LAPI's decision stream matches scopes exactly, so
        # `--scope range` would be stored but never streamed to any bouncer.
        imports = []
        for scope, values in (("Ip", singles), ("Range", networks)):
            path = f"{work}/decisions-{round_index}-{scope}.json"
            json.dump([{"duration": "4h", "type": "ban", "value": value, "reason": "kkbench"} for value in values],
                      open(path, "w"))
            imports.append(["decisions", "import", "--scope", scope, "-i", path])
        expected = singles + networks
        imported, added, cpu_add = timed_round(imports, cscli, sides, children,
                                               lambda elements: missing(elements, expected))
        listed = cscli("decisions", "list", "--all", "-o", "json", "--limit", "0", check=False)
        active = sum(len(alert.get("decisions") or []) for alert in (json.loads(listed or "null") or []))
        deleted, removed, cpu_remove = timed_round([["decisions", "delete", "--all"]], cscli, sides, children,
                                                   lambda elements: sorted(elements))
        results.append({"imported": imported, "deleted": deleted, "active": active, "networks": networks,
                        "sides": [{"add": a, "remove": r, "cpu_add": ca, "cpu_remove": cr}
                                  for a, r, ca, cr in zip(added, removed, cpu_add, cpu_remove)],
                        "names": [side.name for side in sides]})
        print(f"round {round_index + 1}: import returned after {imported:.2f} s, LAPI lists {active} active decisions; "
              + "; ".join(f"{side.name}: all present {fmt(a[0])}" + (f" ({len(a[1])} never arrived, e.g. {a[1][0]})" if a[1] else "")
                          + f", all removed {fmt(r[0])}" for side, a, r in zip(sides, added, removed)), flush=True)
    return results


def measure_startup(cscli, work, sides, children, total, ranges):
    """A bouncer (re)started while the LAPI already holds `total` decisions: its first pull is a full
    `startup=true` one, which no concurrent import can race. Both are stopped, their sets emptied, the
    decisions imported, then both started at the same moment; timed from that moment to all present."""
    for child in children:
        child.stop()
    run("nft", "flush", "set", "inet", "kobrakai", "ban_v4", ns=NS_OURS, check=False)
    run("nft", "flush", "set", "inet", "kobrakai", "ban_net_v4", ns=NS_OURS, check=False)
    run("nft", "delete", "table", "ip", "crowdsec", ns=NS_THEIRS, check=False)
    run("nft", "delete", "table", "ip6", "crowdsec6", ns=NS_THEIRS, check=False)
    singles, networks = decisions(total, ranges, 7)
    for scope, values in (("Ip", singles), ("Range", networks)):
        path = f"{work}/startup-{scope}.json"
        json.dump([{"duration": "4h", "type": "ban", "value": value, "reason": "kkbench"} for value in values],
                  open(path, "w"))
        cscli("decisions", "import", "--scope", scope, "-i", path)
    expected = singles + networks
    outcome, done = {}, threading.Event()
    done.set()
    started = time.monotonic()
    for child in children:
        child.start()
    # A longer settle time: a starting bouncer may take a few seconds before its first pull.
    threads = [threading.Thread(target=wait_for, args=(side, lambda elements: missing(elements, expected), started,
                                                       done, outcome, side.name, 30.0), daemon=True) for side in sides]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print("start-up with the decisions already in the LAPI: "
          + "; ".join(f"{side.name}: all present {fmt(outcome[side.name][0])}"
                      + (f" ({len(outcome[side.name][1])} missing)" if outcome[side.name][1] else "") for side in sides),
          flush=True)
    return [outcome[side.name] for side in sides]


def fmt(seconds):
    return "never" if seconds is None else f"{seconds:.2f} s"


def range_handling(elements, networks):
    """How a side holds the ranges: as prefixes, truncated to addresses inside them, or not at all."""
    hosts = host_numbers(elements)
    as_prefix = truncated = 0
    sample = ""
    for value in networks:
        if value in elements:
            as_prefix += 1
            continue
        network = ipaddress.ip_network(value)
        first = int(network.network_address)
        inside = [first + i for i in range(network.num_addresses) if first + i in hosts]
        if inside:
            truncated += 1
            if not sample:
                sample = f" (e.g. {value} -> {', '.join(str(ipaddress.ip_address(n)) for n in inside[:3])})"
    return as_prefix, truncated, len(networks) - as_prefix - truncated, sample


def report(results, startup, total, ranges, rounds, poll):
    names = results[0]["names"]

    def median(values):
        values = sorted(v for v in values if v is not None)
        return values[len(values) // 2] if values else None

    print()
    print(f"CrowdSec sync: {total:,} decisions ({total - ranges:,} Ip + {ranges} Range /24) in two back-to-back `cscli decisions import` runs (--scope Ip, --scope Range), "
          f"real CrowdSec 1.4.6 LAPI; both bouncers poll every {poll}; {rounds} rounds (median of complete rounds)")
    print(f"  the imports returned after (median) {median([r['imported'] for r in results]):.2f} s "
          f"(the LAPI lists {', '.join(str(r['active']) for r in results)} active decisions); "
          f"`delete --all` returned after {median([r['deleted'] for r in results]):.2f} s")
    for index, name in enumerate(names):
        sides = [r["sides"][index] for r in results]
        adds = [side["add"][0] for side in sides]
        removes = [side["remove"][0] for side in sides]
        lost = [len(side["add"][1]) for side in sides]
        cpu_add = median([side["cpu_add"] for side in sides])
        cpu_remove = median([side["cpu_remove"] for side in sides])
        as_prefix, truncated, absent, sample = range_handling(sides[-1]["add"][4], results[-1]["networks"])
        if as_prefix == len(results[-1]["networks"]):
            kept = "kept as ranges (prefixes in the set)"
        else:
            kept = f"{as_prefix} kept as prefixes, {truncated} truncated to one address, {absent} absent{sample}"
        complete = sum(1 for a in adds if a is not None)
        settled = [side["add"][2] for side in sides]
        print(f"  {name:<26} all present: {fmt(median(adds))} (runs {', '.join(fmt(a) for a in adds)}; "
              f"{complete}/{rounds} rounds complete, never-arrived per round {lost}); all removed: {fmt(median(removes))}")
        print(f"  {'':<26} set final (last change) after {fmt(median(settled))} (runs {', '.join(fmt(a) for a in settled)}); "
              f"start-up with {total:,} decisions in the LAPI: all present {fmt(startup[index][0])}")
        print(f"  {'':<26} CPU {cpu_add:.2f} s to add, {cpu_remove:.2f} s to remove; ranges: {kept}")
        key = "kobrakai" if name == "kobrakai" else "firewall_bouncer"
        def value(seconds):
            return "none" if seconds is None else f"{seconds:.3f}"
        last_change = median(settled)
        print(f"BENCH name=crowdsec.{key} decisions={total} ranges={ranges} rounds={rounds} poll={poll} "
              f"present_s={value(median(adds))} complete_rounds={complete} never_arrived_max={max(lost)} "
              f"last_change_s={value(last_change)} removed_s={value(median(removes))} "
              f"cpu_add_s={cpu_add:.2f} cpu_remove_s={cpu_remove:.2f} "
              f"ranges_as_prefix={as_prefix} ranges_truncated={truncated} ranges_absent={absent} "
              f"import_s={median([r['imported'] for r in results]):.3f} startup_present_s={value(startup[index][0])} "
              f"startup_missing={len(startup[index][1])}")
    print("  (present: every Ip in the set and every Range there as a prefix or, for a bouncer that truncates,")
    print("   as a single address inside it; timed from the start of the first `cscli decisions import`; each set polled")
    print("   from its own thread with `nft -j list set`, so the resolution is one such listing, ~0.1 s;")
    print(f"   a round is incomplete when a set stopped changing for {SETTLE:.0f} s with decisions still missing)")


if __name__ == "__main__":
    main()
