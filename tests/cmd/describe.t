#!/bin/sh
# --describe (twin(7), Model introspection): every shipped model is
# described without error in both forms by every program taking -m; the
# values of vanco and pheno against their YAML and publications, CV% by
# hand here in awk (100 sqrt(exp(omega) - 1)); the usage errors.
. "$(dirname "$0")/lib.sh"

# Every model: models/, models/drugs/ (generated whole-body models) and
# the test models, in both forms.
bad=""
for f in "$top"/models/*.yaml "$top"/models/drugs/*.yaml "$top"/testdata/*.yaml; do
	name=$(basename "$f" .yaml)
	case "$f" in */drugs/*) m=$name ;; *) m=$f ;; esac
	twin-sim -m "$m" --describe > "$tmp/d.txt" 2> "$tmp/d.err" &&
	    [ ! -s "$tmp/d.err" ] && grep -q "^model  *$name$" "$tmp/d.txt" &&
	    twin-sim -m "$m" --describe=tsv > "$tmp/d.tsv" 2> "$tmp/d.err" &&
	    [ ! -s "$tmp/d.err" ] &&
	    awk -F'\t' 'NF != 5 { exit 1 }' "$tmp/d.tsv" ||
	    bad="$bad $name"
done
[ -z "$bad" ]
ok $? "every shipped model is described, text and tsv (5 fields a line)${bad:+: failed$bad}"

# One place: the programs that take -m all say the same.
twin-sim -m vanco --describe=tsv > "$tmp/sim.tsv"
ok $? "twin-sim -m vanco --describe=tsv"
for p in "twin-fit" "twin-dose" "twin-report nca"; do
	$p -m vanco --describe=tsv < /dev/null > "$tmp/other.tsv"
	cmp -s "$tmp/sim.tsv" "$tmp/other.tsv"
	ok $? "$p --describe=tsv says what twin-sim says"
done

# vanco (models/vanco.yaml; Goti 2018, Table 2): thetas as in the file,
# omega as CV% = 39.8, 81.6, 57.1 (the published %CV, to 0.05), the
# covariates with their defaults, where the file is, its hash.
awk -F'\t' '
$1 == "theta" { th[$2] = $3 }
$1 == "omega" { split($4, a, /[= ]/); cv[$2] = a[2] }
$1 == "covariate" { def[$2] = $3; how[$2] = $4 }
$1 == "error" { err[$2] = $3 }
$1 == "model" { mod[$2] = $3 }
function near(x, y) { return x - y < 0.05 && y - x < 0.05 }
END {
	ok = th["TVCL"] == "4.5" && th["CLCRCL"] == "0.8" &&
	    th["CLDIAL"] == "0.7" && th["TVV1"] == "58.4" &&
	    th["V1DIAL"] == "0.5" && th["TVQ"] == "6.5" && th["TVV2"] == "38.4"
	ok = ok && near(cv["ETA_CL"], 39.8) && near(cv["ETA_V1"], 81.6) &&
	    near(cv["ETA_V2"], 57.1)
	ok = ok && def["WT"] == "70" && def["CRCL"] == "120" &&
	    def["DIAL"] == "0" && how["DIAL"] == "how=default interp=locf in=CL,V1"
	ok = ok && err["kind"] == "combined" && err["additive"] == "3.4" &&
	    err["proportional"] == "0.227"
	exit !ok
}' "$tmp/sim.tsv"
ok $? "vanco: thetas, CV% of Goti 2018, covariates and error as in its YAML"
grep -q "^model	file	$top/models/vanco.yaml	" "$tmp/sim.tsv"
ok $? "vanco: the full path of the file found"
h=$(awk -F'\t' '$1 == "model" && $2 == "hash" { print $3 }' "$tmp/sim.tsv")
printf 'ID\tTIME\tAMT\n1\t0\t1\n' | twin-sim -m vanco --provenance 2>/dev/null |
    grep -q "^# model vanco $h\$"
ok $? "vanco: the hash is the one --provenance reports ($h)"

# pheno: CV% from omega 0.03 by hand; the covariates are required.
twin-fit -m pheno --describe=tsv > "$tmp/pheno.tsv"
ok $? "twin-fit -m pheno --describe=tsv"
want=$(awk 'BEGIN { printf "%.6f", 100 * sqrt(exp(0.03) - 1) }')
got=$(awk -F'\t' '$2 == "ETA_CL" { split($4, a, /[= ]/); printf "%.6f", a[2] }' \
    "$tmp/pheno.tsv")
[ "$got" = "$want" ]
ok $? "pheno: CV% of omega 0.03 is $want (got $got)"
awk -F'\t' '$1 == "covariate" && $2 == "WT" && $3 == "." &&
    $4 ~ /^how=required/ { n++ } $1 == "covariate" && $2 == "APGR" &&
    $4 == "how=required interp=locf in=V" { n++ } END { exit n != 2 }' \
    "$tmp/pheno.tsv"
ok $? "pheno: WT and APGR are required; APGR enters V"
twin-sim -m pheno --describe | grep -q '^  ETA_CL  0\.03  *CV 17\.45%  SD 0\.1732$'
ok $? "pheno: the text form's omega line"

# Usage: no model, a bad form, a model not found.
twin-sim --describe > /dev/null 2> "$tmp/err"
[ $? -eq 1 ] && grep -q "describe: which model" "$tmp/err"
ok $? "--describe without -m: a usage error"
twin-sim -m vanco --describe=xml > /dev/null 2> "$tmp/err"
[ $? -eq 1 ] && grep -q 'wants text or tsv, got "xml"' "$tmp/err"
ok $? "--describe=xml: a usage error"
twin-sim -m nosuchmodel --describe > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && grep -q 'nosuchmodel' "$tmp/err"
ok $? "--describe of a model not found: exit 2"

done_testing
