#!/usr/bin/env bash
# Installs every build, test and demo dependency of nfvsync from Debian's
# packages. Idempotent: when everything is present it changes nothing and
# makes no network request. Must not install from anywhere but apt-get.
set -euo pipefail

packages=(
	build-essential cmake pkg-config git ca-certificates
	libyaml-dev libjson-c-dev libcurl4-openssl-dev libgit2-dev
	libinotifytools0-dev libcmocka-dev libmicrohttpd-dev libssl-dev
	clang libclang-rt-14-dev valgrind
	haproxy curl python3 python3-yaml systemd gnuplot-nox time
	python3-openstackclient python3-octaviaclient
	ansible python3-openstacksdk # the Ansible peer of hack/bench/peers.sh
)

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
		missing+=("$p")
	fi
done

# Some images ship kubectl from another package (Google's); either will do.
if ! command -v kubectl >/dev/null 2>&1; then
	missing+=(kubernetes-client)
fi

if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi

echo "setup: installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
	sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
install() {
	$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
# A package whose postinst tripped over a half-configured neighbour succeeds
# on a second pass once dpkg has finished configuring what it unpacked.
if ! install; then
	$sudo dpkg --configure -a || true
	install
fi
