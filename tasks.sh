#!/usr/bin/env bash
# perfkit's two set-up commands (see README):
#   ./tasks.sh demo   create .venv, install perfkit, build every report on the demo data
#   ./tasks.sh test   create .venv, install perfkit with its test tools, run the tests
# Needs only python3 (3.11+) with venv; VENV=path picks another virtualenv folder.
set -euo pipefail
cd "$(dirname "$0")"
VENV=${VENV:-.venv}
PYTHON=${PYTHON:-python3}

setup() {  # $1: the pip extra to install ("" or "test")
  if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV" || {
      echo "could not create a virtualenv: on Debian run 'apt-get install python3-venv'" >&2
      exit 1
    }
  fi
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  "$VENV/bin/python" -m pip install --quiet -e ".${1:+[$1]}"
}

case "${1:-}" in
  demo)
    setup ""
    shift
    "$VENV/bin/perfkit" build "$@"
    ;;
  test)
    setup test
    shift
    "$VENV/bin/python" -m pytest "$@"
    ;;
  *)
    echo "usage: ./tasks.sh demo | test [pytest args]" >&2
    exit 2
    ;;
esac
