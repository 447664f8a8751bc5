#!/usr/bin/env bash
# govsim's one entry point for a fresh machine: finds Python 3.12+, builds .venv, installs govsim,
# then runs what you asked for.
#
#   bash scripts/dev.sh start         # open the workshop in JupyterLab (headless machine: run the default scenario)
#   bash scripts/dev.sh test          # lint, then the whole test suite (unit, notebooks, exercises, browser)
#   bash scripts/dev.sh test --quick  # lint, then the core's fast unit tests (the inner loop, about a minute)
#   bash scripts/dev.sh govsim ARGS   # any govsim command through .venv, without activating it
#
# Choose the interpreter with PYTHON=/path/to/python3.12 or PYENV_VERSION=3.12.1 if the search picks wrong.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${GOVSIM_VENV:-.venv}"
case "$VENV" in /*) ;; *) VENV="$PWD/$VENV" ;; esac

python_ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }

find_python() {
  local cand v
  for cand in "${PYTHON:-}" python3.12 python3.13 python3 python; do
    [ -n "$cand" ] && command -v "$cand" >/dev/null 2>&1 && python_ok "$cand" && { command -v "$cand"; return; }
  done
  if command -v pyenv >/dev/null 2>&1; then
    for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.(1[2-9]|[2-9][0-9])\.[0-9]+$' | sort -V); do
      cand=$(PYENV_VERSION="$v" pyenv which python 2>/dev/null) || continue
      python_ok "$cand" && { echo "$cand"; return; }
    done
  fi
  return 1
}

# pip, minus the one harmless "Location ... is ignored" line per package that some package
# mirrors print; keeps pip's own exit status.
pip_quiet() {
  "$VENV/bin/python" -m pip "$@" 2>&1 | { grep -v "is ignored: it is neither" >&2 || true; }
  return "${PIPESTATUS[0]}"
}

ensure_env() {
  if [ ! -x "$VENV/bin/python" ] || ! python_ok "$VENV/bin/python"; then
    local py
    py=$(find_python) || {
      echo "govsim needs Python 3.12 or newer and found none. Install one, or point PYTHON at it: PYTHON=/path/to/python3.12 bash scripts/dev.sh $*" >&2
      exit 1
    }
    echo "Creating $VENV with $py ($("$py" -V 2>&1))"
    "$py" -m venv "$VENV"
  fi
  local stamp="$VENV/.govsim-installed" want
  want=$(cat pyproject.toml | "$VENV/bin/python" -c 'import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())')
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "Installing govsim and its dependencies into $VENV (a few minutes the first time)"
    pip_quiet install --quiet --upgrade pip || { echo "upgrading pip failed; see the messages above" >&2; exit 1; }
    pip_quiet install --quiet -e ".[dev]" || { echo "installing govsim failed; see the messages above" >&2; exit 1; }
    echo "$want" > "$stamp"
  fi
  export PATH="$VENV/bin:$PATH"
}

# How to use govsim from this terminal afterwards (the README's tour starts with this line).
activate_hint() {
  local shown="${VENV#"$PWD"/}"
  echo "govsim is installed in $shown. To use the govsim command in this terminal:  source $shown/bin/activate"
  echo "(or, without activating: bash scripts/dev.sh govsim ARGS)"
}

cmd="${1:-start}"
shift || true
case "$cmd" in
  start)
    ensure_env
    activate_hint
    if [ -n "${GOVSIM_HEADLESS:-}" ] || { [ -z "${DISPLAY:-}" ] && [ "$(uname)" = Linux ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${GOVSIM_LAB:-}" ]; }; then
      echo "No display found: running the default scenario headless (set GOVSIM_LAB=1 to start JupyterLab anyway)."
      exec "$VENV/bin/python" -m govsim run "$@"
    fi
    exec "$VENV/bin/python" -m govsim lab -- "$@"  # anything after start goes to JupyterLab (e.g. --port 8899)
    ;;
  test)
    ensure_env
    if [ "${1:-}" = "--quick" ]; then  # the inner loop: lint and the core's fast unit tests
      shift
      ruff check .
      exec python -m pytest -q -m "core and not slow and not browser" tests "$@"
    fi
    ruff check .
    ruff format --check .
    exec python -m pytest "$@"
    ;;
  govsim)
    ensure_env
    exec "$VENV/bin/python" -m govsim "$@"
    ;;
  *)
    echo "usage: bash scripts/dev.sh start|test|govsim [args]" >&2
    exit 2
    ;;
esac
