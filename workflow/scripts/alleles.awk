# Distinct protein sequences (alleles) of one gene, with the samples that carry
# each, in order of first appearance. Reads FASTA whose headers carry
# sample_id=NAME (or sample=NAME) tags, as wtscan-extract writes; writes TSV. Usage:
#   awk -v gene=gyrA -f alleles.awk gyrA.faa > gyrA.tsv
function flush() {
    if (id == "") return
    if (!(seq in allele)) { allele[seq] = ++nall; order[nall] = seq }
    a = allele[seq]
    count[a]++
    samples[a] = samples[a] (samples[a] == "" ? "" : ",") sample
}
BEGIN { OFS = "\t"; nall = 0; id = "" }
/^>/ {
    flush()
    id = substr($1, 2); sample = id; seq = ""
    for (i = 2; i <= NF; i++) {
        if ($i ~ /^sample_id=/) sample = substr($i, 11)
        else if ($i ~ /^sample=/) sample = substr($i, 8)
    }
    next
}
{ gsub(/[ \t\r]/, ""); seq = seq toupper($0) }
END {
    flush()
    print "gene", "allele", "length_aa", "copies", "samples", "protein"
    for (a = 1; a <= nall; a++) {
        s = order[a]
        print gene, gene "_" a, length(s), count[a], samples[a], s
    }
}
