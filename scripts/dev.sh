#!/usr/bin/env bash
# govsim's one entry point for a fresh machine: finds Python 3.12+, builds .venv, installs govsim,
# then runs what you asked for.
#
#   bash scripts/dev.sh start         # open the workshop in JupyterLab (headless machine: run the default scenario)
#   bash scripts/dev.sh test          # lint, then the whole test suite (unit, notebooks, exercises, browser)
#   bash scripts/dev.sh test --quick  # lint, then the core's fast unit tests (the inner loop, about a minute)
#   bash scripts/dev.sh govsim ARGS   # any govsim command through .venv, without activating it
#
# Choose the interpreter with PYTHON=python3.13 (a pyenv shim is resolved to its version) or
# PYTHON=/path/to/python3.12; a .venv of another version stops the script with one line.
# GOVSIM_VENV=.venv-3.13 keeps a second venv beside the first.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${GOVSIM_VENV:-.venv}"
case "$VENV" in /*) ;; *) VENV="$PWD/$VENV" ;; esac

python_ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }
python_version() { "$1" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null; }

# The interpreter a command name or path stands for. A pyenv shim runs whichever version pyenv
# has selected, and fails when that version lacks the command: resolve it to the installed
# version that has it (`pyenv which`, else the newest from `pyenv whence`).
real_python() {
  local path name v
  path=$(command -v "$1" 2>/dev/null) || return 1
  if command -v pyenv >/dev/null 2>&1 && [ "$(dirname "$path")" = "$(pyenv root)/shims" ]; then
    name=$(basename "$path")
    if ! path=$(pyenv which "$name" 2>/dev/null); then
      for v in $(pyenv whence "$name" 2>/dev/null | sort -V -r); do
        path=$(PYENV_VERSION="$v" pyenv which "$name" 2>/dev/null) && break
      done
    fi
  fi
  [ -n "$path" ] && python_ok "$path" && echo "$path"
}

find_python() {
  local cand v
  if [ -n "${PYTHON:-}" ]; then  # asked for: that one or none
    real_python "$PYTHON" && return
    echo "PYTHON=$PYTHON is not a Python 3.12 or newer that runs here (under pyenv: pyenv versions lists what is installed)" >&2
    return 2
  fi
  for cand in python3.12 python3.13 python3 python; do
    real_python "$cand" && return
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

# What .govsim-installed holds once pyproject.toml's packages with the extras $1 are installed.
stamp_of() {
  (cat pyproject.toml; echo "extras=$1") | "$VENV/bin/python" -c 'import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())'
}

# Build (or reuse) $VENV with govsim and the extras named in $1 (default: dev, which holds them all).
ensure_env() {
  local extras="${1:-dev}" py have asked
  if [ -x "$VENV/bin/python" ] && python_ok "$VENV/bin/python"; then
    if [ -n "${PYTHON:-}" ]; then  # an existing venv of another version is not what was asked for
      py=$(find_python) || exit 1
      have=$(python_version "$VENV/bin/python")
      asked=$(python_version "$py")
      if [ "$have" != "$asked" ]; then
        echo "${VENV#"$PWD"/} has Python $have but PYTHON=$PYTHON is Python $asked: remove ${VENV#"$PWD"/} to rebuild it, or set GOVSIM_VENV=.venv-${asked%.*} to keep both" >&2
        exit 1
      fi
    fi
  else
    if [ -e "$VENV/bin/python" ] || [ -L "$VENV/bin/python" ]; then  # a venv is there but unusable
      local shown="${VENV#"$PWD"/}" how
      how="remove $shown to rebuild it, or set GOVSIM_VENV=.venv-3.12 to keep it"
      if [ ! -e "$VENV/bin/python" ]; then
        echo "$shown is broken: its bin/python links to $(readlink "$VENV/bin/python"), which no longer exists: $how" >&2
      else
        have=$(python_version "$VENV/bin/python") && have="Python $have" || have="a bin/python that does not run"
        echo "$shown has $have; govsim needs Python 3.12 or newer: $how" >&2
      fi
      exit 1
    fi
    py=$(find_python) || {
      [ -n "${PYTHON:-}" ] && exit 1
      echo "govsim needs Python 3.12 or newer and found none. Install one, or point PYTHON at it: PYTHON=/path/to/python3.12 bash scripts/dev.sh $cmd" >&2
      exit 1
    }
    echo "Creating $VENV with $py (Python $(python_version "$py"))"
    "$py" -m venv "$VENV"
  fi
  local stamp="$VENV/.govsim-installed" want have_stamp
  want=$(stamp_of "$extras")
  have_stamp=$(cat "$stamp" 2>/dev/null || true)
  if [ "$have_stamp" != "$want" ] && [ "$have_stamp" != "$(stamp_of dev)" ]; then
    echo "Installing govsim and its dependencies into $VENV (a few minutes the first time)"
    pip_quiet install --quiet --upgrade pip || { echo "upgrading pip failed; see the messages above" >&2; exit 1; }
    pip_quiet install --quiet -e ".[$extras]" || { echo "installing govsim failed; see the messages above" >&2; exit 1; }
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
    if [ "${1:-}" = "--quick" ]; then  # the inner loop: lint and the core's fast unit tests
      shift
      ensure_env test  # the test extras are enough (CI's run on a second Python installs only them)
      ruff check .
      exec python -m pytest -q -m "core and not slow and not browser" tests "$@"
    fi
    ensure_env
    ruff check .
    ruff format --check .
    exec python -m pytest "$@"
    ;;
  govsim)
    ensure_env
    exec "$VENV/bin/python" -m govsim "$@"
    ;;
  *)
    echo "usage: bash scripts/dev.sh start|test [--quick]|govsim [args]" >&2
    exit 2
    ;;
esac
