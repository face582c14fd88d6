# Shared helpers for command tests: TAP output, temporary files, paths.
# Source it from a test script; it sets $top, $tmp and the PATH.
top=$(cd "$(dirname "$0")/../.." && pwd)
PATH="$top:$PATH"
TWIN_MODEL_PATH="$top/models:$top/testdata"
export PATH TWIN_MODEL_PATH
tmp=$(mktemp -d)
[ -n "${TWIN_KEEP_TMP:-}" ] || trap 'rm -rf "$tmp"' EXIT
ntest=0
nfail=0

ok() {	# ok STATUS DESCRIPTION
	ntest=$((ntest + 1))
	if [ "$1" -eq 0 ]; then
		printf "ok %d - %s\n" "$ntest" "$2"
	else
		nfail=$((nfail + 1))
		printf "not ok %d - %s\n" "$ntest" "$2"
	fi
}

done_testing() {
	echo "1..$ntest"
	[ "$nfail" -eq 0 ]
}
