#!/usr/bin/env bash
echo "demo: not yet implemented" >&2
