# Alignment to the wild-type references: one job per chunk.


rule align:
    """Align every protein of a chunk to its wild-type reference (water scoring)."""
    input:
        proteins="results/chunks/{chunk}/proteins.parquet",
        references=config["references"],
    output:
        alignments="results/chunks/{chunk}/alignments.parquet",
    params:
        quality=config["align"]["quality_thresholds"],
        extra=config["align"]["extra"],
    log:
        "logs/align/{chunk}.log",
    benchmark:
        "benchmarks/align/{chunk}.tsv"
    threads: 4
    resources:
        mem_mb=1000,
        runtime=30,
    conda:
        "../../envs/wtscan.yaml"
    container:
        WTSCAN_IMAGE
    shell:
        "wtscan-align --references {input.references:q} --queries {input.proteins:q}"
        " --out {output.alignments:q} --quality-thresholds {params.quality:q}"
        " --threads {threads} --log-format json --progress never --metrics-file metrics/align.{wildcards.chunk}.prom {params.extra} 2> {log:q}"
