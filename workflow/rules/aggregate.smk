# The cohort view: tables, co-occurrence and the HTML report.


rule aggregate:
    """Summarise the cohort; runs only after the QC gate passed."""
    input:
        mutations=per_chunk("results/chunks/{chunk}/mutations.parquet"),
        sites=per_chunk("results/chunks/{chunk}/sites.parquet"),
        alignments=per_chunk("results/chunks/{chunk}/alignments.parquet"),
        qc="results/qc/qc.json",
        sheet=config["samples"],
    output:
        report=report(
            "results/cohort/report.html",
            caption="../report/cohort.rst",
            category="Cohort",
        ),
        mutations=report(
            "results/cohort/cohort_mutations.parquet",
            caption="../report/cohort.rst",
            category="Cohort",
        ),
        matrix="results/cohort/matrix.parquet",
        cooccurrence="results/cohort/cooccurrence.parquet",
        hamronization=report(
            "results/cohort/hamronization.tsv",
            caption="../report/cohort.rst",
            category="Cohort",
        ),
        provenance="results/cohort/provenance.json",
    params:
        out_dir=report_dir,
        extra=config["aggregate"]["extra"],
    log:
        "logs/aggregate/aggregate.log",
    benchmark:
        "benchmarks/aggregate/aggregate.tsv"
    threads: 2
    resources:
        mem_mb=2000,
        runtime=30,
    conda:
        "../../envs/wtscan.yaml"
    container:
        WTSCAN_IMAGE
    shell:
        "wtscan-aggregate --mutations {input.mutations:q} --sites {input.sites:q}"
        " --alignments {input.alignments:q} --qc {input.qc:q} --samples {input.sheet:q}"
        " --out-dir {params.out_dir:q}"
        " --threads {threads} --log-format json --progress never --metrics-file metrics/aggregate.prom {params.extra} 2> {log:q}"


localrules:
    report_html,


rule report_html:
    """The cohort report at the top of results/, where people look first."""
    input:
        html="results/cohort/report.html",
    output:
        html="results/report.html",
    log:
        "logs/report_html/report_html.log",
    benchmark:
        "benchmarks/report_html/report_html.tsv"
    threads: 1
    resources:
        mem_mb=100,
        runtime=5,
    conda:
        "../../envs/shell.yaml"
    container:
        WTSCAN_IMAGE
    shell:
        "cp {input.html:q} {output.html:q} 2> {log:q}"
