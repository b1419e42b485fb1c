# Naming the changes and marking the known ones: one job per chunk.


rule subscan:
    """Name every change in reference coordinates; mark those the catalogue knows."""
    input:
        alignments="results/chunks/{chunk}/alignments.parquet",
        references=config["references"],
        catalog=catalog_input,
    output:
        mutations="results/chunks/{chunk}/mutations.parquet",
        sites="results/chunks/{chunk}/sites.parquet",
    params:
        catalog=catalog_flag,
        extra=config["subscan"]["extra"],
    log:
        "logs/subscan/{chunk}.log",
    benchmark:
        "benchmarks/subscan/{chunk}.tsv"
    threads: 2
    resources:
        mem_mb=1000,
        runtime=30,
    conda:
        "../../envs/wtscan.yaml"
    container:
        WTSCAN_IMAGE
    shell:
        "wtscan-subscan --alignments {input.alignments:q} --references {input.references:q}"
        " {params.catalog} --out {output.mutations:q} --sites {output.sites:q}"
        " --threads {threads} --log-format json --progress never --metrics-file metrics/subscan.{wildcards.chunk}.prom {params.extra} 2> {log:q}"
