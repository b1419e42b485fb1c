# The genes found: a checkpoint, because which per-gene files exist depends on
# what extract found in the assemblies.


localrules:
    genes,


checkpoint genes:
    """Split every chunk's proteins by gene (the gene= tag of extract's FASTA
    headers) into one cohort FASTA per gene found."""
    input:
        faa=per_chunk("results/chunks/{chunk}/proteins.faa"),
    output:
        dir=directory("results/genes"),
    params:
        script=f"{SCRIPTS}/split-by-gene.awk",
    log:
        "logs/genes/genes.log",
    benchmark:
        "benchmarks/genes/genes.tsv"
    threads: 1
    resources:
        mem_mb=500,
        runtime=10,
    conda:
        "../../envs/shell.yaml"
    container:
        WTSCAN_IMAGE
    shell:
        "mkdir -p {output.dir:q} 2> {log:q} && "
        "awk -v dir={output.dir:q} -f {params.script:q} {input.faa:q} 2>> {log:q}"


rule alleles:
    """Distinct protein sequences of one gene across the cohort, with the
    samples that carry each (a table people can read and build trees from)."""
    input:
        faa="results/genes/{gene}.faa",
    output:
        tsv="results/alleles/{gene}.tsv",
    params:
        script=f"{SCRIPTS}/alleles.awk",
    log:
        "logs/alleles/{gene}.log",
    benchmark:
        "benchmarks/alleles/{gene}.tsv"
    threads: 1
    resources:
        mem_mb=500,
        runtime=10,
    conda:
        "../../envs/shell.yaml"
    container:
        WTSCAN_IMAGE
    shell:
        "awk -v gene={wildcards.gene:q} -f {params.script:q} {input.faa:q}"
        " > {output.tsv:q} 2> {log:q}"
