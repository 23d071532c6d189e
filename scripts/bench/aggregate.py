#!/usr/bin/env python3
"""Collects the `BENCH name=... key=value ...` lines every benchmark prints and writes ONE Markdown table:
KobraKai's figure, the alternative's figure measured in the same run, and the ratio.

    scripts/bench/aggregate.py CONDITIONS_FILE LOG...

CONDITIONS_FILE holds `key=value` lines about the machine (scripts/bench.sh writes it). A benchmark that
failed or did not run shows as "not measured" with the reason (a `BENCH name=failed.X reason=...` line).
"""
import shlex
import sys


def parse(paths):
    records, failures = {}, {}
    for path in paths:
        try:
            lines = open(path, errors="replace").read().splitlines()
        except OSError:
            continue
        for line in lines:
            if not line.startswith("BENCH "):
                continue
            fields = dict(part.split("=", 1) for part in shlex.split(line[6:]) if "=" in part)
            name = fields.pop("name", "")
            if name.startswith("failed."):
                failures[name[7:]] = fields.get("reason", "failed")
            else:
                records[name] = fields
    return records, failures


def number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def group(value, digits=0):
    return f"{value:,.{digits}f}" if value is not None else "?"


def main():
    conditions = dict(line.split("=", 1) for line in open(sys.argv[1]).read().splitlines() if "=" in line)
    records, failures = parse(sys.argv[2:])
    rows = []

    def missing(section, what):
        reason = failures.get(section, "did not run")
        rows.append((what, f"not measured: {reason}", "", ""))

    scan = records.get("scan")
    if scan:
        lines = number(scan["lines"])
        kk_wall, kk_cpu = number(scan["kobrakai_wall_s"]), number(scan["kobrakai_cpu_s"])
        fb_wall, fb_cpu = number(scan["fail2ban_wall_s"]), number(scan["fail2ban_cpu_s"])
        rows.append((f"Scan a generated Asterisk log, {group(lines)} lines (`make bench-scan`)",
                     f"`kobrakai scan --json`: {group(lines / kk_wall)} lines/s ({kk_wall:.2f} s wall, "
                     f"{kk_cpu:.2f} s CPU on {conditions.get('cpus', '?')} cores; median of 5); "
                     f"addresses vs answer key: {scan['kobrakai_match']}",
                     f"`fail2ban-regex` (asterisk.conf): {group(lines / fb_wall)} lines/s ({fb_wall:.1f} s wall, "
                     f"{fb_cpu:.1f} s CPU, one core); vs answer key: {scan['fail2ban_match'].replace('_', ' ')}",
                     f"**{fb_wall / kk_wall:.0f}× faster** wall, {fb_cpu / kk_cpu:.0f}× less CPU"))
    else:
        missing("scan", "Scan throughput")

    record = records.get("policy")
    if record and record.get("fail2ban_events_per_s"):
        ours, theirs = number(record["kobrakai_events_per_s"]), number(record["fail2ban_events_per_s"])
        rows.append((f"Ban policy on a brute-force stream (200 attackers; {group(number(record['events']))} events, "
                     f"fail2ban {group(number(record['fail2ban_events']))})",
                     f"`BanPolicy.observe`: {group(ours)} events/s", f"fail2ban `FailManager`: {group(theirs)} events/s",
                     f"**{ours / theirs:.0f}× faster**"))
    else:
        missing("policy", "Ban policy throughput")

    record = records.get("follow")
    if record:
        ours, theirs = number(record["catchup_lines_per_s"]), number(record["tail_lines_per_s"])
        rows.append((f"Read a {group(number(record['lines']))}-line Asterisk log from the start (catch-up), and live appends",
                     f"`LogFollower`: {group(ours)} lines/s catch-up, {group(number(record['live_lines_per_s']))} lines/s live",
                     f"`tail -n +1 | wc -l`: {group(theirs)} lines/s", f"{ours / theirs:.2f}× tail's speed"))
    else:
        missing("follow", "Log follower throughput")

    for key, what in (("netlink.bulk", "Load {n} IPv4 bans with timeouts into an empty set"),
                      ("netlink.restore", "Restore after `nft flush ruleset`: table, sets, chain + {n} bans with comments")):
        record = records.get(key)
        if not record:
            missing(key.split(".")[0], what.format(n="100,000"))
            continue
        kk, nft = number(record["kobrakai_ms"]), number(record["nft_ms"])
        kk_cpu, nft_cpu = number(record["kobrakai_cpu_ms"]), number(record["nft_cpu_ms"])
        rows.append((what.format(n=group(number(record["elements"]))) + f" (median of {record['reps']})",
                     f"netlink: {kk:.0f} ms ({record['kobrakai_min_ms']}–{record['kobrakai_max_ms']}); CPU {kk_cpu:.0f} ms",
                     f"`nft -f`: {nft:.0f} ms ({record['nft_min_ms']}–{record['nft_max_ms']}); CPU {nft_cpu:.0f} ms",
                     f"**{kk / nft:.2f}×** the time ({nft / kk:.1f}× faster); CPU {kk_cpu / nft_cpu:.2f}×"))

    record = records.get("netlink.roundtrip")
    if record:
        kk, nft = number(record["kobrakai_us"]), number(record["nft_us"])
        rows.append((f"One ban, send to kernel ACK (median of {record['iterations']} / {record['nft_iterations']})",
                     f"netlink, persistent socket: {kk:.1f} µs", f"`nft add element`: {nft / 1000:.2f} ms",
                     f"**{nft / kk:.0f}× faster**"))
    else:
        missing("netlink", "One ban round trip")

    record = records.get("daemon.latency")
    if record:
        rows.append((f"Ban latency, log line → kernel set (`kobrakai run`, {group(number(record['attacks']))} attacks)",
                     f"median {record['median_ms']} ms, p99 {record['p99_ms']} ms, max {record['max_ms']} ms",
                     "no side-by-side figure (fail2ban polls or inotifies its log and forks a ban action per ban; not run here)",
                     ""))
    else:
        missing("daemon", "End-to-end ban latency")
    record = records.get("daemon.restore")
    if record:
        rows.append((f"Daemon repair after `nft flush ruleset` with {group(number(record['bans']))} bans",
                     f"back in {record['repair_ms']} ms (start-up with restore: {record['startup_ms']} ms)",
                     "no alternative keeps bans across a flush by itself", ""))

    pps = {key[4:]: value for key, value in records.items() if key.startswith("pps.") and "received_pps" in value}
    if "kobrakai_banned" in pps:
        iptables = records.get("pps.iptables_version", {}).get("text", "?")

        def figure(key):
            if key not in pps:
                return "not measured"
            record = pps[key]
            return (f"{group(number(record['received_pps']))}/s ({group(number(record['per_cpu_second']))} per CPU-s, "
                    f"sender core {float(record['sender_cpu']) * 100:.0f}% busy, {float(record['sender_wait']) * 100:.0f}% waiting)")

        def ratio(key, other):
            if key not in pps or other not in pps:
                return "?"
            wall = number(pps[key]["received_pps"]) / number(pps[other]["received_pps"])
            cpu = number(pps[key]["per_cpu_second"]) / number(pps[other]["per_cpu_second"])
            return f"{cpu:.2f}× per CPU-s ({wall:.2f}× wall)"

        sample = pps["kobrakai_banned"]
        bans, rules = group(number(sample["bans"])), group(number(sample["rules"]))
        setup = (f"UDP packets/s received on port 5060 over veth, sender not banned so every packet is looked up "
                 f"(median of {sample['reps']} × {sample['seconds']} s)")
        rows.append((f"{setup}: {bans} bans vs empty sets",
                     f"{bans} bans in `ban_v4`: {figure('kobrakai_banned')}",
                     f"same ruleset, sets empty: {figure('kobrakai_empty')}; no firewall at all: {figure('none')}",
                     "100k bans / empty: " + ratio("kobrakai_banned", "kobrakai_empty")))
        legacy = f"; `iptables-legacy`: {figure('iptables_legacy')}" if "iptables_legacy" in pps else ""
        rows.append((f"{setup}: {bans} bans vs {rules} per-address `iptables -A INPUT -s x -j DROP` rules "
                     f"(KobraKai v2/SIPban style; `iptables -V`: {iptables})",
                     f"{bans} bans in `ban_v4`: {figure('kobrakai_banned')}",
                     f"`iptables-nft`: {figure('iptables_nft')}{legacy}",
                     "**" + ratio("kobrakai_banned", "iptables_nft") + "** vs iptables-nft"
                     + (f"; {ratio('kobrakai_banned', 'iptables_legacy')} vs iptables-legacy" if legacy else "")))
    else:
        missing("pps", "Packets per second through the ban set")

    ours, theirs = records.get("crowdsec.kobrakai"), records.get("crowdsec.firewall_bouncer")
    if ours and theirs:
        def sync(record):
            rounds = f"{record['complete_rounds']}/{record['rounds']}"
            text = f"set final after {record['last_change_s']} s (all present in {rounds} rounds"
            text += f"; up to {record['never_arrived_max']} never arrived)" if int(record["never_arrived_max"]) else ")"
            text += f"; removal {record['removed_s']} s; CPU {record['cpu_add_s']} s to add; "
            text += f"start-up with the decisions already in the LAPI: {record['startup_present_s']} s"
            if int(record["ranges_as_prefix"]) == int(record["ranges"]):
                return text + "; **ranges kept as ranges**"
            return text + f"; **{record['ranges_truncated']} of {record['ranges']} ranges truncated to one address**" + (
                f", {record['ranges_absent']} absent" if int(record["ranges_absent"]) else "")

        def ratio(key, what):
            if ours[key] == "none" or theirs[key] == "none":
                return ""
            return f"{number(theirs[key]) / number(ours[key]):.2f}× {what}"

        ratios = [r for r in (ratio("last_change_s", "faster to the final set"), ratio("removed_s", "faster removal"),
                              ratio("startup_present_s", "faster start-up sync"),
                              ratio("cpu_add_s", "less CPU") if number(ours["cpu_add_s"]) else "") if r]
        rows.append((f"CrowdSec sync: `cscli decisions import` of {group(number(ours['decisions']))} decisions "
                     f"({ours['ranges']} /24 ranges) → in the kernel set, both bouncers polling a real CrowdSec 1.4.6 "
                     f"LAPI every {ours['poll']} (the imports return after {ours['import_s']} s); median of {ours['rounds']} rounds",
                     "kobrakai: " + sync(ours), "crowdsec-firewall-bouncer 0.0.25 (nftables): " + sync(theirs),
                     "; ".join(ratios)
                     + (f" ({ours['retried_rounds']} round(s) rerun after the LAPI refused an import)"
                        if int(ours.get("retried_rounds", "0")) else "")))
    else:
        missing("crowdsec", "CrowdSec sync")

    print(f"Measured {conditions.get('date', '?')} on {conditions.get('cpus', '?')} CPUs ({conditions.get('cpu_model', '?')}), "
          f"kernel {conditions.get('kernel', '?')}, {conditions.get('nft', '?')}, {conditions.get('iptables', '?')}, "
          f"fail2ban {conditions.get('fail2ban', '?')}, {conditions.get('swift', '?')}, release build.")
    print(f"Load average {conditions.get('load_start', '?')} at start, {conditions.get('load_end', '?')} at the end "
          f"(1-min peak {conditions.get('load_max', '?')}); compiler processes of other jobs running: "
          f"{conditions.get('compilers', '?')} at start, {conditions.get('compilers_mean', '?')} on average (sampled every 5 s); "
          f"total wall time {conditions.get('elapsed', '?')} s. {conditions.get('note', '')}".rstrip())
    print()
    print("| Benchmark | KobraKai | The alternative, same run | Ratio |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
    if "kobrakai_banned" in pps:
        dropped = sum(int(record.get("queue_drops", 0)) for record in pps.values())
        drops = "no socket-queue drops in any scenario" if dropped == 0 else f"{dropped:,} socket-queue drops in total"
        print()
        print("Packets/s: the bottleneck is the sending core. veth delivers each packet in the sender's softirq, so one core "
              "runs the send system call, IP, netfilter and UDP up to the receiver's socket; the other core drains the "
              f"socket with recvmmsg ({drops}). Wall-clock rates fall when other jobs "
              "take that core (see \"waiting\"); packets per CPU-second of the sending core (plus ksoftirqd) is the figure "
              "that load moves least, so ratios are given by CPU-second first.")
    ours, theirs = records.get("crowdsec.kobrakai"), records.get("crowdsec.firewall_bouncer")
    if ours and theirs:
        incomplete = [int(r["rounds"]) - int(r["complete_rounds"]) for r in (ours, theirs)]
        print()
        print("CrowdSec: \"never arrived\" decisions were listed by `cscli decisions list` but never sent to the bouncer: "
              "CrowdSec 1.4.6's `/v1/decisions/stream` delta can skip a batch that the import commits while a bouncer "
              f"pulls (this run: {incomplete[0]} of {ours['rounds']} rounds for kobrakai, {incomplete[1]} for "
              "crowdsec-firewall-bouncer; only a full pull brings them back: kobrakai makes one as soon as a burst of "
              "changes has gone quiet, the firewall bouncer only at its next start). \"Set final\" is when "
              "the set last changed. Both bouncers poll on their own clocks, so which one pulls first after the last "
              "batch lands is luck within one poll interval: kobrakai had every decision first in "
              f"{ours.get('first_rounds', '?')} of {ours['rounds']} rounds, the firewall bouncer in "
              f"{theirs.get('first_rounds', '?')}.")


if __name__ == "__main__":
    main()
