#!/usr/bin/python3
"""fail2ban's own failure counter (FailManager, from the Debian fail2ban package) on the same stream as
kobrakai-policy-bench's "brute force" scenario: 200 attackers in distinct /24s, one failure every 10 us,
maxretry 5, findtime 60 s. Prints "<events per second> <ban tickets>". Comparison only; not product code."""
import sys
import time

from fail2ban.server.failmanager import FailManager
from fail2ban.server.ticket import FailTicket

count = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
manager = FailManager()
manager.setMaxRetry(5)
manager.setMaxTime(60)
events = [("198.%d.%d.7" % ((i % 200) >> 8, (i % 200) & 255), 1780000000 + i * 0.00001) for i in range(count)]
tickets = 0
start = time.perf_counter()
for address, when in events:
    manager.addFailure(FailTicket(address, when))
    try:
        while True:
            manager.toBan()
            tickets += 1
    except Exception:  # FailManagerEmpty: nothing (more) to ban
        pass
elapsed = time.perf_counter() - start
print("%.0f %d" % (count / elapsed, tickets))
