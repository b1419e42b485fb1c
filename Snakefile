# wtscan: amino-acid changes against wild type, from assemblies to a cohort report.
#
#   snakemake --cores 4                       # run on this machine (binaries on PATH)
#   snakemake --cores 4 --use-singularity     # run in the wtscan image
#   snakemake --profile workflow/profiles/slurm   # on a SLURM cluster
#
# Config: config/config.yaml (schema: workflow/schemas/config.schema.yaml);
# sample sheet: config/samples.tsv (schema: workflow/schemas/samples.schema.yaml).

from snakemake.utils import min_version

min_version("7.21")


configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/extract.smk"
include: "workflow/rules/genes.smk"
include: "workflow/rules/align.smk"
include: "workflow/rules/subscan.smk"
include: "workflow/rules/validate.smk"
include: "workflow/rules/aggregate.smk"


rule all:
    input:
        "results/report.html",
        "results/qc/qc.json",
        gene_alleles,
    default_target: True
