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

Environment: CROWDSEC_DECISIONS (10000), CROWDSEC_RANGES (100, part of the total), CROWDSEC_ROUNDS (11),
CROWDSEC_POLL (1s, both bouncers), KOBRAKAI (path of the release kobrakai binary), CROWDSEC_DEBUG (1: the
daemon logs each pull's size and timing, kept as bench-out/crowdsec-kobrakai.log).

Both bouncers poll on a clock of their own, so which one pulls first after the last batch lands is luck
within one poll interval: the report gives medians over many rounds and, round by round, which bouncer
had every decision first.
"""
import ipaddress
import os
import shutil
import signal
import sys
import tempfile

from crowdsec_measure import Side, fmt, host_numbers, measure, measure_startup, warm_up
from crowdsec_setup import (NS_OURS, NS_THEIRS, REPO, SETTLE, CommandFailed, Namespaces, install,
                            start_firewall_bouncer, start_kobrakai, start_lapi)


def main():
    if os.geteuid() != 0:
        raise SystemExit("bench-crowdsec: needs root (network namespaces, nftables)")
    # SIGTERM (make interrupted, a CI timeout) unwinds like Ctrl-C, so the namespaces and children go too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    total = int(os.environ.get("CROWDSEC_DECISIONS", "10000"))
    ranges = int(os.environ.get("CROWDSEC_RANGES", "100"))
    rounds = int(os.environ.get("CROWDSEC_ROUNDS", "11"))
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
            results, failures = measure(cscli, work, sides, [ours, theirs], total, ranges, rounds)
            startup = measure_startup(cscli, work, sides, [ours, theirs], total, ranges)
            report(results, failures, startup, total, ranges, rounds, poll)
    except CommandFailed as error:
        raise SystemExit(f"bench-crowdsec: {error}")
    finally:
        for child in reversed(children):
            child.stop()
        if os.environ.get("CROWDSEC_DEBUG") == "1" and os.path.exists(f"{work}/kobrakai.log"):
            os.makedirs(os.path.join(REPO, "bench-out"), exist_ok=True)
            shutil.copy(f"{work}/kobrakai.log", os.path.join(REPO, "bench-out/crowdsec-kobrakai.log"))
        shutil.rmtree(work, ignore_errors=True)


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


def first_complete(results, index):
    """Rounds in which side `index` had every decision strictly before the other side (a side that never had
    them all counts as last; ties at the listing's resolution and rounds neither completed count for neither)."""
    first = 0
    for result in results:
        times = [side["add"][0] for side in result["sides"]]
        mine, other = times[index], times[1 - index]
        if mine is not None and (other is None or mine < other):
            first += 1
    return first


def report(results, failures, startup, total, ranges, rounds, poll):
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
    if failures:
        print(f"  {len(failures)} round(s) run again after a cscli failure: {'; '.join(failures)}")
    firsts = [first_complete(results, index) for index in range(2)]
    print(f"  round by round, {names[0]} had every decision first in {firsts[0]} of {rounds} rounds, {names[1]} in "
          f"{firsts[1]} (a bouncer that never had them all counts as last; the rest are ties or neither complete)")
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
              f"startup_missing={len(startup[index][1])} retried_rounds={len(failures)}"
              + f" first_rounds={firsts[index]}")
    print("  (present: every Ip in the set and every Range there as a prefix or, for a bouncer that truncates,")
    print("   as a single address inside it; timed from the start of the first `cscli decisions import`; each set polled")
    print("   from its own thread with `nft -j list set`, so the resolution is one such listing, ~0.1 s;")
    print(f"   a round is incomplete when a set stopped changing for {SETTLE:.0f} s with decisions still missing)")


if __name__ == "__main__":
    main()
