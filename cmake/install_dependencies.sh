#!/usr/bin/env bash
# Installs what building and testing resample needs on Debian/Ubuntu: a compiler, CMake, and the
# test and example dependencies (Catch2 v2, Eigen 3, stb; OpenCV imgproc and photo for the tests that
# compare pyramids and fusion with OpenCV). The library itself needs none of them.
# Does nothing when everything is already installed. Usage: bash cmake/install_dependencies.sh [--bench] [--arm]
# (--bench adds Google Benchmark, PyTorch's libtorch and OpenCV for the comparison benchmarks;
# --arm adds an aarch64 cross compiler and qemu to build and run the tests for 64-bit ARM).
set -euo pipefail

packages=(cmake make ninja-build g++ libeigen3-dev catch2 libstb-dev libopencv-imgproc-dev libopencv-photo-dev)
for option in "$@"; do
  case "$option" in
    --bench) packages+=(libbenchmark-dev libtorch-dev libopencv-dev python3-matplotlib) ;;
    --arm) packages+=(g++-aarch64-linux-gnu qemu-user) ;;
    *) echo "install_dependencies: unknown option $option" >&2; exit 2 ;;
  esac
done

missing=()
for package in "${packages[@]}"; do
  if [[ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)" != "install ok installed" ]]; then
    missing+=("$package")
  fi
done
if ((${#missing[@]} == 0)); then
  echo "install_dependencies: all of ${packages[*]} already installed"
  exit 0
fi

run_as_root=()
if [[ "$(id -u)" != 0 ]]; then
  if command -v sudo >/dev/null; then
    run_as_root=(sudo)
  else
    echo "install_dependencies: need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
  fi
fi
echo "install_dependencies: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${run_as_root[@]}" apt-get update </dev/null
"${run_as_root[@]}" apt-get install -y --no-install-recommends "${missing[@]}" </dev/null
