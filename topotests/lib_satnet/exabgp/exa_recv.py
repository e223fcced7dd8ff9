#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""ExaBGP API process: append every JSON message ExaBGP hands over
(received updates, neighbour state changes) to argv[1], one per line."""
import sys

with open(sys.argv[1], "a", buffering=1) as out:
    for line in sys.stdin:
        out.write(line)
