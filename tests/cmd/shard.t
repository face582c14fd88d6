#!/bin/sh
# --shard K/N (twin(7), Large cohorts): the shards K = 1..N of a run,
# merged, are the serial run byte for byte.  A shard keeps its individuals
# in input order, so each shard's rows are sorted as the input's IDs are
# (here numbers in increasing order, as twin-pop writes them); the merge is
# the first header line and then the shards' other lines merged on the
# first column, stably: sort -m -s -t TAB -k1,1n, which keeps each
# individual's rows in order and reads each shard once.  Also: bad K/N,
# and the cohort summaries that refuse --shard (merge.t merges the
# others).
. "$(dirname "$0")/lib.sh"
LC_ALL=C
export LC_ALL
TAB=$(printf '\t')

# merge NAME N: NAME.1 .. NAME.N into NAME.merged (the header of the
# first shard that has one; an empty shard adds nothing).
merge() {
	: > "$tmp/$1.merged"
	files=
	k=1
	while [ $k -le "$2" ]; do
		f="$tmp/$1.$k"
		[ -s "$tmp/$1.merged" ] || head -n 1 "$f" > "$tmp/$1.merged"
		tail -n +2 "$f" > "$f.body"
		files="$files $f.body"
		k=$((k + 1))
	done
	sort -m -s -t "$TAB" -k1,1n $files >> "$tmp/$1.merged"
}

# same NAME DESCRIPTION COMMAND...: COMMAND < $tmp/NAME.in serially and
# as N = 1, 2, 3, 7 shards (COMMAND --shard K/N); each merge must equal
# the serial output, and the serial output must have individuals.
same() {
	name=$1 what=$2
	shift 2
	"$@" < "$tmp/$name.in" > "$tmp/$name.serial" 2> "$tmp/err"
	r=$?
	[ $r -eq 0 ] && [ "$(wc -l < "$tmp/$name.serial")" -gt 2 ]
	ok $? "$what: the serial run"
	for n in 1 2 3 7; do
		k=1
		r=0
		while [ $k -le $n ]; do
			"$@" --shard $k/$n < "$tmp/$name.in" > "$tmp/$name.$k" ||
			    r=1
			k=$((k + 1))
		done
		merge "$name" $n
		cmp -s "$tmp/$name.merged" "$tmp/$name.serial" || r=1
		ok $r "$what: $n shards merged = the serial output"
	done
}

# ---- every program that works per individual --------------------------

twin-pop -n 200 --seed 5 > "$tmp/pop.in"
# twin-pop itself: people 1..200, each shard the same people as serially.
twin-pop -n 200 --seed 5 > "$tmp/people.serial"
for n in 1 2 3 7; do
	k=1
	while [ $k -le $n ]; do
		twin-pop -n 200 --seed 5 --shard $k/$n > "$tmp/people.$k"
		k=$((k + 1))
	done
	merge people $n
	cmp -s "$tmp/people.merged" "$tmp/people.serial"
	ok $? "twin-pop -n 200: $n shards merged = the serial output"
done
twin-pop --cohort uva30 > "$tmp/uva.serial"
for k in 1 2 3; do
	twin-pop --cohort uva30 --shard $k/3 > "$tmp/uva.$k"
done
merge uva 3
cmp -s "$tmp/uva.merged" "$tmp/uva.serial"
ok $? "twin-pop --cohort uva30: 3 shards merged = the serial output"

# twin-sim: per-ID random streams (--iiv --ruv), several rows per ID.
twin-dose -m pk2cmt --regimen '100 mg iv q12h x4' < "$tmp/pop.in" \
    > "$tmp/sim.in"
same sim "twin-pop | twin-dose | twin-sim --iiv --ruv" \
    twin-sim -m pk2cmt --iiv --ruv --seed 3 --grid 0:48:6
# Threads change nothing.
cp "$tmp/sim.in" "$tmp/simj.in"
same simj "twin-sim -j 2 --iiv --ruv" \
    twin-sim -m pk2cmt -j 2 --iiv --ruv --seed 3 --grid 0:48:6
# -n: new IDs numbered across the whole output, as serially.
head -n 61 "$tmp/sim.in" > "$tmp/rep.in"
same rep "twin-sim -n 3 --iiv --ruv (new IDs)" \
    twin-sim -m pk2cmt -n 3 --iiv --ruv --seed 3 --grid 0:24:12

# A shard is the individuals of the input whose ID hashes into it: the
# same records when the shard is taken before twin-sim or by it.
twin-sim -m pk2cmt --iiv --ruv --seed 3 --grid 0:48:6 --shard 2/3 \
    < "$tmp/sim.in" > "$tmp/sim2of3"
twin-pop -n 200 --seed 5 --shard 2/3 |
    twin-dose -m pk2cmt --regimen '100 mg iv q12h x4' |
    twin-sim -m pk2cmt --iiv --ruv --seed 3 --grid 0:48:6 |
    cmp -s - "$tmp/sim2of3"
ok $? "twin-pop --shard 2/3 | twin-sim = twin-sim --shard 2/3 (the per-ID streams)"

# twin-fit, individual MAP fits.
cp "$top/testdata/theoph.tsv" "$tmp/fit.in"
same fit "twin-fit (individual) on Theoph" \
    twin-fit -m "$top/testdata/theoph.yaml"
cp "$top/testdata/theoph.tsv" "$tmp/params.in"
same params "twin-fit --params on Theoph" \
    twin-fit -m "$top/testdata/theoph.yaml" --params

# twin-dose --target: the records with the chosen doses, and --table.
head -n 25 "$tmp/pop.in" > "$tmp/dose.in"
same dose "twin-dose --target (records)" \
    twin-dose -m pk2cmt --target 'auc24 >= 400' --amounts 250..3000/250 \
    --intervals 8,12,24
cp "$tmp/dose.in" "$tmp/dtab.in"
same dtab "twin-dose --target --table" \
    twin-dose -m pk2cmt --target 'auc24 >= 400' --amounts 250..3000/250 \
    --intervals 8,12,24 --table

# twin-report's verbs with a row per individual.
cp "$top/testdata/theoph.tsv" "$tmp/nca.in"
same nca "twin-report nca on Theoph" twin-report nca
cp "$tmp/sim.serial" "$tmp/tgt.in"
same tgt "twin-report target (a row per ID)" \
    twin-report target 'trough >= 0.5' -y IPRED
cp "$tmp/sim.serial" "$tmp/acc.in"
same acc "twin-report accuracy --by ID" \
    twin-report accuracy -y IPRED --by ID

# cgm: 20 synthetic day-long traces, a reading every 5 min.
awk 'BEGIN { OFS = "\t"; print "ID", "TIME", "DV"
    for (i = 1; i <= 20; i++) for (t = 0; t < 1440; t += 5)
	print i, t, 120 + (40 + 3 * i) * sin(t / 180 + i) }' > "$tmp/cgm.in"
same cgm "twin-report cgm" twin-report cgm --time-unit min

# ---- bad K/N: usage errors naming the value ----------------------------

for bad in 0/3 4/3 1/0 3 x/2 1/2/3 -1/2 " 1/2"; do
	twin-sim -m pk1cmt --shard "$bad" < /dev/null > /dev/null 2> "$tmp/err"
	s=$?
	[ $s -eq 1 ] && grep -q "^twin-sim: --shard: bad shard \"$bad\"" \
	    "$tmp/err" && grep -q "^Try 'twin-sim --help'" "$tmp/err"
	ok $? "--shard \"$bad\": a usage error (exit 1) quoting it"
done
twin-pop -n 5 --shard 0/3 > /dev/null 2> "$tmp/err"
[ $? -eq 1 ] && grep -qx 'twin-pop: --shard: bad shard "0/3": K must be from 1 to N (3)' "$tmp/err"
ok $? "twin-pop --shard 0/3: K must be from 1 to N"
twin-report nca --shard 2/1 < /dev/null > /dev/null 2> "$tmp/err"
[ $? -eq 1 ] && grep -q 'bad shard "2/1": K must be from 1 to N (1)' "$tmp/err"
ok $? "twin-report --shard 2/1: K must be from 1 to N"
twin-fit -m pk1cmt --shard 1/0 < /dev/null > /dev/null 2> "$tmp/err"
[ $? -eq 1 ] && grep -q 'bad shard "1/0": N must be at least 1' "$tmp/err"
ok $? "twin-fit --shard 1/0: N must be at least 1"

# ---- refused: estimates and summaries of the whole cohort --------------

# refused WHAT WORDS COMMAND...: exit 1 before reading, the message
# containing WORDS.
refused() {
	what=$1 words=$2
	shift 2
	"$@" < "$tmp/sim.serial" > "$tmp/out" 2> "$tmp/err"
	s=$?
	[ $s -eq 1 ] && [ ! -s "$tmp/out" ] && grep -qF -- "$words" "$tmp/err"
	ok $? "$what: refused${s:+ (exit $s)}"
	[ $s -eq 1 ] || sed 's/^/# /' "$tmp/err"
}
for mode in --population --evaluate; do
	refused "twin-fit $mode --shard" \
	    "--shard is for individual fits: --population and --evaluate" \
	    twin-fit -m "$top/testdata/theoph.yaml" $mode --shard 1/2
done
partial="give --partial to each shard and merge their outputs with --merge"
refused "twin-report bands --shard (no --partial)" "bands summarises the whole cohort and cannot be merged from shards; $partial" \
    twin-report bands -y IPRED --shard 1/2
refused "twin-report nca --summary --shard (no --partial)" "nca --summary summarises the whole cohort" \
    twin-report nca --summary --shard 1/2
refused "twin-report agp --shard (no --partial)" "agp summarises the whole cohort" \
    twin-report agp -o "$tmp/a.svg" --shard 1/2
refused "twin-report accuracy --shard (no --by)" "accuracy without --by ID summarises" \
    twin-report accuracy -y IPRED --shard 1/2
refused "twin-report accuracy --by SEX --shard" "accuracy --by without ID summarises" \
    twin-report accuracy -y IPRED --by SEX --shard 1/2
refused "twin-report plot --shard" "plot summarises the whole cohort" \
    twin-report plot -y IPRED -o "$tmp/p.svg" --shard 1/2
refused "twin-report target --partial" "--partial: only bands, agp and nca --summary" \
    twin-report target 'trough >= 1' --pta --partial --shard 1/2
refused "twin-report cgm --merge" "--merge: only target --pta, bands, agp and nca --summary merge" \
    twin-report cgm --merge
refused "twin-report bands --merge --shard" "--merge: give the shards' outputs as files, without --shard" \
    twin-report bands -y IPRED --merge --shard 1/2
refused "twin-dose --table --merge" "--merge: only --cohort tables merge" \
    twin-dose -m pk2cmt --target 'auc24 >= 400' --amounts 250..3000/250 \
    --intervals 8,12,24 --table --merge
refused "twin-report nca --pretty --shard" "--pretty aligns the columns over the whole table" \
    twin-report nca --pretty --shard 1/2
refused "twin-dose --table --pretty --shard" "--pretty aligns the columns" \
    twin-dose -m pk2cmt --target 'auc24 >= 400' --amounts 250..3000/250 \
    --intervals 8,12,24 --table --pretty --shard 1/2

done_testing
