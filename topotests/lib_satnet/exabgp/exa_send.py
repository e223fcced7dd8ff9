#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""ExaBGP API process: forward each complete line the test appends to
argv[1] to ExaBGP (announce / withdraw commands), and drain ExaBGP's
acknowledgements from stdin so its pipe never fills."""
import os
import select
import sys
import time

path = sys.argv[1]
pos = 0
while True:
    if select.select([sys.stdin], [], [], 0)[0] and not sys.stdin.readline():
        sys.exit(0)  # ExaBGP went away
    try:
        with open(path) as f:
            f.seek(pos)
            data = f.read()
    except FileNotFoundError:
        data = ""
    if "\n" in data:
        chunk = data[: data.rindex("\n") + 1]
        pos += len(chunk)
        sys.stdout.write(chunk)
        sys.stdout.flush()
    time.sleep(0.2)
