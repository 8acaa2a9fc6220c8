#!/usr/bin/env bash
# npm start's capture job, as a new user would run it on a host: scan the host's sysfs, derive an
# instance type from one of its functions, create a VM's migration state from that layout and the
# config image its guest sees, and check the state against the scanned host (taken) and against
# the same host with only its V1 NIC (refused, naming what is missing). The sysfs trees are the
# lab fixtures (corpus/sysfs-trees/make-sysfs-tree.mjs), built in a temporary folder.
set -euo pipefail
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
node corpus/sysfs-trees/make-sysfs-tree.mjs "$T/lab" lab >/dev/null
node corpus/sysfs-trees/make-sysfs-tree.mjs "$T/guest" lab-guest >/dev/null
cat > "$T/vm-1.pasid.json" <<'JSON'
{ "apiVersion": "vpci/v1", "kind": "PasidState", "mode": "global-split", "split": 64,
  "functions": [{ "id": "00:05.0", "capability": { "width": 16, "execute": false, "privileged": false }, "enqcmd": true }],
  "locals": [{ "local": 3, "functions": ["00:05.0"] }] }
JSON
# Runs vpci, showing the command and its output with the temporary folder as $T; returns its status.
vpci() {
  echo "\$ vpci $*" | sed "s#$T#\$T#g"
  local status=0
  node dist/cli/main.js "$@" > "$T/out" 2>&1 || status=$?
  sed "s#$T#\$T#g" "$T/out"
  return "$status"
}
scan=(host scan --sysfs "$T/lab/sys" --cpuinfo "$T/lab/proc/cpuinfo" --personas corpus/personas.yaml --pasid-allocated none --split 64 --cpu-translation)
vpci "${scan[@]}" --name lab -o "$T/lab.yaml"
vpci "${scan[@]}" --name lab-v1-only --device 0000:3b:00.0 -o "$T/lab-v1.yaml"
vpci derive "$T/lab/sys/bus/pci/devices/0000:5e:00.0" -o "$T/n2.yaml"
vpci state create --vm vm-1 --function "00:05.0=$T/n2.yaml@$T/guest/sys/bus/pci/devices/0000:00:05.0" --pasid "$T/vm-1.pasid.json" -o "$T/vm-1.pb"
vpci check "$T/vm-1.pb" "$T/lab.yaml"
status=0
vpci check "$T/vm-1.pb" "$T/lab-v1.yaml" || status=$?
test "$status" -eq 1
