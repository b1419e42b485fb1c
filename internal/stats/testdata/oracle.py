"""Oracle for internal/stats: reads a TSV of 2x2 tables (n11 n10 n01 n00) and
a TSV of p-values, writes scipy's fisher_exact p and statistic per table and
statsmodels' Benjamini-Hochberg q per p-value.

usage: oracle.py tables.tsv pvalues.tsv out_tables.tsv out_q.tsv
"""
import sys

from scipy.stats import fisher_exact
from statsmodels.stats.multitest import multipletests

tables_in, p_in, tables_out, q_out = sys.argv[1:5]
with open(tables_in) as f, open(tables_out, "w") as out:
    for line in f:
        a, b, c, d = (int(x) for x in line.split())
        res = fisher_exact([[a, b], [c, d]])
        out.write("%r\t%r\n" % (float(res[1]), float(res[0])))
with open(p_in) as f:
    ps = [float(line) for line in f if line.strip()]
_, q, _, _ = multipletests(ps, method="fdr_bh")
with open(q_out, "w") as out:
    for v in q:
        out.write("%r\n" % float(v))
