# Split protein FASTA records into one file per gene: dir/<gene>.faa.
# The gene is the header's gene=NAME tag (as wtscan-extract writes it);
# records without one go to dir/unassigned.faa. Usage:
#   awk -v dir=results/genes -f split-by-gene.awk chunk1.faa chunk2.faa ...
BEGIN { out = "" }
/^>/ {
    gene = "unassigned"
    for (i = 2; i <= NF; i++) {
        if ($i ~ /^gene=/) { gene = substr($i, 6) }
    }
    if (gene !~ /^[A-Za-z0-9._-]+$/) {
        printf "%s: record %s: gene %s is not a usable file name\n", FILENAME, $1, gene > "/dev/stderr"
        exit 1
    }
    out = dir "/" gene ".faa"
    n[gene]++
}
{ if (out != "") print > out }
END {
    for (g in n) printf "%s\t%d\n", g, n[g] > "/dev/stderr"
}
