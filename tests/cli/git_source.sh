#!/usr/bin/env bash
# `--source URL [--ref R] [--path DIR]` as a user meets it: a local Git
# repository (file://, never the network) holding the reference scenario;
# the commit is named, a descriptor error points into the commit
# ("SHA7:path:line:col"), missing refs and paths and an empty tree are
# errors, a new commit is read by the next run.
# Usage: git_source.sh NFVSYNC
. "$(dirname "$0")/lib.sh"
cli_init "$@"
export XDG_CACHE_HOME=$tmp/cache GIT_CONFIG_NOSYSTEM=1 HOME=$tmp
unset NFVSYNC_GIT_TOKEN

g() { git -C "$tmp/repo" -c user.name=t -c user.email=t@example.org "$@"; }

mkdir -p "$tmp/repo/deploy"
cp -r "$repo/examples/symmetric-web/." "$tmp/repo/deploy/"
git init -q -b main "$tmp/repo"
g add -A && g commit -q -m "symmetric web"
first=$(g rev-parse HEAD)
url=file://$tmp/repo

expect "validate --source" 0 "configuration OK: 3 descriptor files, 1 service, 2 VNFs, 2 VIMs" \
	"$nfvsync" validate --source "$url" --path deploy
expect "the commit is named" 0 "Reading descriptors at ${first:0:7} (main) from $url, path deploy" \
	"$nfvsync" validate --source "$url" --ref main --path deploy
expect "the remote HEAD by default" 0 "Reading descriptors at ${first:0:7} (HEAD)" \
	"$nfvsync" plan --offline --source "$url" --path deploy
expect "plan --source" 0 "Plan: 26 to create, 0 to update" \
	"$nfvsync" plan --offline --source "$url" --path deploy
expect "show --source, JSON alone on stdout" 0 "" \
	sh -c "'$nfvsync' show -o json --source '$url' --path deploy 2>/dev/null | python3 -m json.tool"

# a bad commit: the error names the commit and the file in it
sed -i 's/mem_size: 512 MB/mem_size: lots/' "$tmp/repo/deploy/vnfd/site2-web.yaml"
g commit -q -am "site2: bad memory size"
bad=$(g rev-parse HEAD)
expect "a descriptor error points into the commit" 1 \
	"${bad:0:7}:deploy/nsd/../vnfd/site2-web.yaml:33:23: error: VDU1: property 'vnfcs'.web: property 'mem_size': expected a size such as '512 MB', got 'lots'" \
	"$nfvsync" validate --source "$url" --path deploy
expect "no cache path in the messages" 0 "" \
	sh -c "! '$nfvsync' validate --source '$url' --path deploy 2>&1 | grep -F '$XDG_CACHE_HOME'"
expect "the good commit by SHA" 0 "configuration OK" \
	"$nfvsync" validate --source "$url" --ref "${first:0:10}" --path deploy
g tag -a -m "known good" v1 "$first"
expect "the good commit by tag" 0 "Reading descriptors at ${first:0:7} (v1)" \
	"$nfvsync" validate --source "$url" --ref v1 --path deploy

# errors
expect "missing ref" 1 "error: fetch $url (nosuch): no branch or tag named 'nosuch'" \
	"$nfvsync" validate --source "$url" --ref nosuch --path deploy
expect "missing path" 1 "no descriptors at ${bad:0:12}:nope (no such directory)" \
	"$nfvsync" validate --source "$url" --path nope
expect "unreachable repository" 1 "error: fetch file:///nonexistent (main): " \
	"$nfvsync" validate --source file:///nonexistent --ref main
expect "--ref alone" 1 "--ref and --path go with --source" "$nfvsync" validate --ref main
expect "--source and a PATH" 1 "either a --source or PATHs" \
	"$nfvsync" validate --source "$url" "$repo/examples/symmetric-web"
g checkout -q --orphan empty && g rm -q -r --cached . && g commit -q --allow-empty -m nothing
expect "an empty tree is an error, not 'nothing wanted'" 1 "no descriptors at" \
	"$nfvsync" plan --offline --source "$url" --ref empty
expect "and nothing was planned" 1 "1 error; nothing was planned." \
	"$nfvsync" plan --offline --source "$url" --ref empty

# a fix is read by the next run
g checkout -q -f main
sed -i 's/mem_size: lots/mem_size: 512 MB/' "$tmp/repo/deploy/vnfd/site2-web.yaml"
g commit -q -am "site2: fixed"
fixed=$(g rev-parse HEAD)
expect "the next commit is read" 0 "Reading descriptors at ${fixed:0:7} (main)" \
	"$nfvsync" validate --source "$url" --ref main --path deploy

# an import that leaves the commit's files (here: into nfvsync's own cache)
sed -i 's|  - ../vnfd/site2-web.yaml|  - ../vnfd/site2-web.yaml\n  - ../../../repo.git/config|' "$tmp/repo/deploy/nsd/symmetric-web.yaml"
g commit -q -am "import from outside the tree"
out=$(g rev-parse HEAD)
expect "an import outside the commit's files is refused" 1 \
	"${out:0:7}:deploy/nsd/symmetric-web.yaml:16:5: error: import '../../../repo.git/config' is outside the descriptor directory ${out:0:7}:deploy/" \
	"$nfvsync" validate --source "$url" --ref main --path deploy

cli_done
