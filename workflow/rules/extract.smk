# Extraction: one job per chunk of samples (wtscan-extract's batch form).


localrules:
    chunk_sheet,


rule chunk_sheet:
    """Write the sample sheet of one chunk. Its text is a parameter, so editing a
    sample's row in the sheet reruns only that sample's chunk."""
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
        "printf '%s' {params.text:q} > {output.sheet} 2> {log}"


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
        "wtscan-extract --samples {input.sheet} --references {input.references}"
        " --min-identity {params.min_identity} --min-coverage {params.min_coverage}"
        " --out {output.proteins} --faa {output.faa} --threads {threads}"
        " --log-format json --progress never --metrics-file metrics/extract.{wildcards.chunk}.prom {params.extra} 2> {log}"
