#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks to build Rust plugins:
# Debian's rustc-web/cargo-web (Rust 1.96 with its library sources, for
# -Zbuild-std), lld (wasm-ld-14) and wasi-libc. Node.js, npm and Java come with
# the machine. Does nothing when everything is present.
set -euo pipefail

packages=(rustc-web cargo-web rust-web-src lld wasi-libc)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "toolchain: Rust WASM toolchain present"
  exit 0
fi
echo "toolchain: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "toolchain: need root (or sudo) to apt-get install ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
echo "toolchain: installed ${missing[*]}"
