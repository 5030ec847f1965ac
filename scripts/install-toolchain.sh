#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks to build plugins:
# - Rust: Debian's rustc-web/cargo-web (Rust 1.96 with its library sources,
#   for -Zbuild-std), lld (wasm-ld-14) and wasi-libc;
# - Python: componentize-py, pinned in sdk/python/requirements-build.txt, from
#   PyPI into a virtual environment in Eddy's cache
#   ($EDDY_CACHE_DIR, else $XDG_CACHE_HOME/eddy, else ~/.cache/eddy), where
#   `eddy build` looks for it (python3 and python3-venv from Debian if missing).
# Node.js, npm and Java come with the machine. Does nothing when everything is
# present.
set -euo pipefail

repository="$(cd "$(dirname "$0")/.." && pwd)"

sudo=""
need_root() {
  if [ "$(id -u)" -ne 0 ] && [ -z "$sudo" ]; then
    command -v sudo >/dev/null || { echo "toolchain: need root (or sudo) to apt-get install $*" >&2; exit 1; }
    sudo="sudo"
  fi
}

apt_updated=""
apt_install() {
  need_root "$@"
  if [ -z "$apt_updated" ]; then
    $sudo apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

# ---- Rust ------------------------------------------------------------------
packages=(rustc-web cargo-web rust-web-src lld wasi-libc)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "toolchain: Rust WASM toolchain present"
else
  echo "toolchain: installing ${missing[*]}"
  apt_install "${missing[@]}"
  echo "toolchain: installed ${missing[*]}"
fi

# ---- Python ----------------------------------------------------------------
requirements="$repository/sdk/python/requirements-build.txt"
version="$(sed -n 's/^componentize-py==\([^[:space:]]*\)$/\1/p' "$requirements")"
[ -n "$version" ] || { echo "toolchain: $requirements pins no componentize-py version" >&2; exit 1; }
cache="${EDDY_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/eddy}"
environment="$cache/componentize-py-$version"
if [ -f "$environment/.installed" ] && [ -x "$environment/bin/componentize-py" ]; then
  echo "toolchain: componentize-py $version present"
else
  if ! command -v python3 >/dev/null || ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    echo "toolchain: installing python3 python3-venv"
    apt_install python3 python3-venv
  fi
  echo "toolchain: installing componentize-py $version into $environment"
  rm -rf "$environment"
  mkdir -p "$cache"
  python3 -m venv "$environment"
  "$environment/bin/pip" install --quiet --disable-pip-version-check --no-input -r "$requirements"
  "$environment/bin/componentize-py" --version | grep -qx "componentize-py $version" || {
    echo "toolchain: $environment/bin/componentize-py is not version $version" >&2
    exit 1
  }
  touch "$environment/.installed"
  echo "toolchain: installed componentize-py $version"
fi
