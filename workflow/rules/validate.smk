# The QC gate: wtscan-validate checks every table of every chunk against the
# references and the catalogue. It exits 1 on any error-severity finding, which
# stops the workflow before aggregate; warnings (cohort outliers) are reported.


rule validate:
    """Check every step's tables, across the cohort, in one run."""
    input:
        sheet=config["samples"],
        proteins=per_chunk("results/chunks/{chunk}/proteins.parquet"),
        alignments=per_chunk("results/chunks/{chunk}/alignments.parquet"),
        mutations=per_chunk("results/chunks/{chunk}/mutations.parquet"),
        sites=per_chunk("results/chunks/{chunk}/sites.parquet"),
        references=config["references"],
        catalog=catalog_input,
    output:
        report=report(
            "results/qc/qc.json",
            caption="../report/qc.rst",
            category="Quality control",
        ),
        table=report(
            "results/qc/qc.tsv",
            caption="../report/qc.rst",
            category="Quality control",
        ),
    params:
        catalog=catalog_flag,
        extra=config["validate"]["extra"],
    log:
        "logs/validate/validate.log",
    benchmark:
        "benchmarks/validate/validate.tsv"
    threads: 2
    resources:
        mem_mb=2000,
        runtime=30,
    conda:
        "../../envs/wtscan.yaml"
    container:
        WTSCAN_IMAGE
    shell:
        "wtscan-validate {input.proteins:q} {input.alignments:q} {input.mutations:q} {input.sites:q}"
        " --samples {input.sheet:q} --references {input.references:q} {params.catalog}"
        " --report {output.report:q} --table {output.table:q}"
        " --threads {threads} --log-format json --progress never --metrics-file metrics/validate.prom {params.extra} 2> {log:q}"
