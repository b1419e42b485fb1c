# Extraction: one job per chunk of samples (wtscan-extract's batch form).


localrules:
    check_samples,
    chunk_sheet,


rule check_samples:
    """Read the sample sheet with the reader every binary uses and check the
    files it names, before any other job (the workflow also does so when it
    starts, where wtscan-validate is on PATH)."""
    input:
        sheet=config["samples"],
    output:
        rows="results/samples.json",
    log:
        "logs/check_samples/check_samples.log",
    benchmark:
        "benchmarks/check_samples/check_samples.tsv"
    threads: 1
    resources:
        mem_mb=100,
        runtime=5,
    conda:
        "../../envs/wtscan.yaml"
    container:
        WTSCAN_IMAGE
    shell:
        "wtscan-validate --samples {input.sheet:q} --print-samples --log-format json"
        " > {output.rows:q} 2> {log:q}"


rule chunk_sheet:
    """Write the sample sheet of one chunk. Its text is a parameter, so editing a
    sample's row in the sheet reruns only that sample's chunk."""
    input:
        checked="results/samples.json",
    output:
        sheet="results/chunks/{chunk}/samples.tsv",
    params:
        text=chunk_sheet,
    log:
        "logs/chunk_sheet/{chunk}.log",
    benchmark:
        "benchmarks/chunk_sheet/{chunk}.tsv"
    threads: 1
    resources:
        mem_mb=100,
        runtime=5,
    conda:
        "../../envs/shell.yaml"
    container:
        WTSCAN_IMAGE
    shell:
        "printf '%s' {params.text:q} > {output.sheet:q} 2> {log:q}"


rule extract:
    """Find the target genes in every assembly of a chunk."""
    input:
        sheet="results/chunks/{chunk}/samples.tsv",
        assemblies=chunk_assemblies,
        references=config["references"],
    output:
        proteins="results/chunks/{chunk}/proteins.parquet",
        faa="results/chunks/{chunk}/proteins.faa",
    params:
        min_identity=config["extract"]["min_identity"],
        min_coverage=config["extract"]["min_coverage"],
        extra=config["extract"]["extra"],
    log:
        "logs/extract/{chunk}.log",
    benchmark:
        "benchmarks/extract/{chunk}.tsv"
    threads: 4
    resources:
        mem_mb=2000,
        runtime=60,
    conda:
        "../../envs/wtscan.yaml"
    container:
        WTSCAN_IMAGE
    shell:
        "wtscan-extract --samples {input.sheet:q} --references {input.references:q}"
        " --min-identity {params.min_identity:q} --min-coverage {params.min_coverage:q}"
        " --out {output.proteins:q} --faa {output.faa:q} --threads {threads}"
        " --log-format json --progress never --metrics-file metrics/extract.{wildcards.chunk}.prom {params.extra} 2> {log:q}"
