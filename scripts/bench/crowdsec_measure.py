"""CrowdSec sync benchmark, part 2: reading the kernel sets and timing rounds (see crowdsec-sync.py)."""
import ipaddress
import json
import socket
import subprocess
import threading
import time

from crowdsec_setup import NS_OURS, NS_THEIRS, SETTLE, TIMEOUT, CommandFailed, run, tail_file


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
    try:
        for command in commands:
            cscli(*command)
    finally:
        returned = time.monotonic() - started
        done.set()
        for thread in threads:
            thread.join()
    cpu = [child.cpu_seconds() - before for child, before in zip(children, cpu_before)]
    return returned, [outcome[side.name] for side in sides], cpu


def measure(cscli, work, sides, children, total, ranges, rounds, retries=3):
    """`rounds` timed rounds. CrowdSec 1.4.6's SQLite LAPI now and then refuses a large import with
    "database is locked" when the machine is busy: such a round is cleaned up and run again (at most
    `retries` times in all), and the report says how often."""
    results, failures = [], []
    while len(results) < rounds:
        try:
            results.append(measure_round(cscli, work, sides, children, total, ranges, len(results)))
        except CommandFailed as error:
            failures.append(str(error).splitlines()[-1][-200:])
            print(f"round {len(results) + 1}: a cscli command failed ({failures[-1]}); cleaning up and running it again",
                  flush=True)
            if len(failures) > retries:
                raise
            cscli("decisions", "delete", "--all", check=False)
            deadline = time.monotonic() + 60
            while any(side.elements() for side in sides) and time.monotonic() < deadline:
                time.sleep(0.2)
    return results, failures


def measure_round(cscli, work, sides, children, total, ranges, round_index):
    """One import of `total` decisions and one `delete --all`, each timed on both sides."""
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
    result = {"imported": imported, "deleted": deleted, "active": active, "networks": networks,
              "sides": [{"add": a, "remove": r, "cpu_add": ca, "cpu_remove": cr}
                        for a, r, ca, cr in zip(added, removed, cpu_add, cpu_remove)],
              "names": [side.name for side in sides]}
    print(f"round {round_index + 1}: import returned after {imported:.2f} s, LAPI lists {active} active decisions; "
          + "; ".join(f"{side.name}: all present {fmt(a[0])}" + (f" ({len(a[1])} never arrived, e.g. {a[1][0]})" if a[1] else "")
                      + f", all removed {fmt(r[0])}" for side, a, r in zip(sides, added, removed)), flush=True)
    return result


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
