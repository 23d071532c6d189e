#!/usr/bin/env python3
"""A tiny scripted Asterisk manager for `make demo`: banner, Login, Events, Ping, Logoff, and a few PJSIP
security events (InvalidAccountID bursts from two scanners) once the client is logged in.
Usage: demo-ami-peer.py PORT USERNAME SECRET"""
import socket
import sys
import time

port, username, secret = int(sys.argv[1]), sys.argv[2], sys.argv[3]
SCANNERS = ["198.51.100.23", "198.51.100.24"]


def security_event(address, account):
    fields = [("Event", "InvalidAccountID"), ("Privilege", "security,all"),
              ("EventTV", "2026-01-01T00:00:00.000+0000"), ("Severity", "Error"), ("Service", "PJSIP"),
              ("EventVersion", "1"), ("AccountID", account), ("SessionID", "1480223017"),
              ("LocalAddress", "IPV4/UDP/192.168.10.2/5060"), ("RemoteAddress", "IPV4/UDP/%s/5060" % address)]
    return "".join("%s: %s\r\n" % field for field in fields) + "\r\n"


def serve(connection):
    connection.sendall(b"Asterisk Call Manager/9.0.0\r\n")
    buffer, logged_in, sent = b"", False, False
    connection.settimeout(0.2)
    while True:
        try:
            chunk = connection.recv(4096)
            if not chunk:
                return
            buffer += chunk
        except socket.timeout:
            pass
        while b"\r\n\r\n" in buffer:
            message, buffer = buffer.split(b"\r\n\r\n", 1)
            headers = dict(line.split(": ", 1) for line in message.decode().split("\r\n") if ": " in line)
            action, action_id = headers.get("Action", "").lower(), headers.get("ActionID", "")
            reply_id = "ActionID: %s\r\n" % action_id if action_id else ""
            if action == "login":
                if headers.get("Username") == username and headers.get("Secret") == secret:
                    logged_in = True
                    connection.sendall(("Response: Success\r\n%sMessage: Authentication accepted\r\n\r\n" % reply_id).encode())
                    connection.sendall(b"Event: FullyBooted\r\nPrivilege: system,all\r\nStatus: Fully Booted\r\n\r\n")
                else:
                    connection.sendall(("Response: Error\r\n%sMessage: Authentication failed\r\n\r\n" % reply_id).encode())
            elif action == "ping":
                connection.sendall(("Response: Success\r\n%sPing: Pong\r\nTimestamp: %.6f\r\n\r\n" % (reply_id, time.time())).encode())
            elif action == "events":
                connection.sendall(("Response: Success\r\n%sEvents: On\r\n\r\n" % reply_id).encode())
            elif action == "logoff":
                connection.sendall(("Response: Goodbye\r\n%sMessage: Thanks for all the fish.\r\n\r\n" % reply_id).encode())
                return
        if logged_in and not sent:
            sent = True
            for round_number in range(6):
                for address in SCANNERS:
                    connection.sendall(security_event(address, "10%d" % round_number).encode())
            print("ami peer: sent 12 InvalidAccountID events from %s" % ", ".join(SCANNERS), flush=True)


listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", port))
listener.listen(4)
while True:
    client, _ = listener.accept()
    try:
        serve(client)
    except OSError:
        pass
    finally:
        client.close()
