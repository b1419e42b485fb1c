# Helpers shared by the rules: config and sample-sheet validation, chunking,
# and the input functions the rules name (no lambdas inside rules).

import csv
import os

from snakemake.exceptions import WorkflowError
from snakemake.utils import validate


validate(config, "../schemas/config.schema.yaml")

# The one image that holds every wtscan binary plus bash (containers/Dockerfile):
# config key `container`, a docker:// URL (default: the versioned image) or a
# local .sif file (`make sif`; --config container=wtscan_<version>.sif).
# `snakemake --use-singularity` runs every rule in it; without that flag the
# binaries come from PATH (`make build` puts them in bin/).
WTSCAN_IMAGE = config["container"]
if (
    getattr(workflow, "use_singularity", False)
    and "://" not in WTSCAN_IMAGE
    and not os.path.exists(WTSCAN_IMAGE)
):
    raise WorkflowError(
        f"config container: {WTSCAN_IMAGE}: no such file (a local .sif path, "
        "or a docker:// URL; make sif builds one)"
    )

# Helper scripts (awk), as a path relative to the working directory when the
# workflow lives under it, so that commands stay the same inside a container.
SCRIPTS = os.path.relpath(os.path.join(workflow.basedir, "workflow", "scripts"))

SAMPLE_COLUMNS = ["sample_id", "assembly", "annotation", "organism"]


def _read_samples(path):
    """Read and validate the sample sheet; every problem names its line."""
    if not os.path.exists(path):
        raise WorkflowError(f"sample sheet {path}: no such file")
    rows, problems, seen = [], [], {}
    with open(path, newline="") as fh:
        lines = (l for l in fh if l.strip() and not l.startswith("#"))
        reader = csv.DictReader(lines, delimiter="\t")
        header = reader.fieldnames or []
        unknown = [c for c in header if c not in SAMPLE_COLUMNS]
        if unknown or "sample_id" not in header or "assembly" not in header:
            raise WorkflowError(
                f"sample sheet {path}: header must hold sample_id, assembly "
                f"and optionally annotation, organism; got {header}"
            )
        for n, row in enumerate(reader, start=2):
            row = {k: (v or "").strip() for k, v in row.items() if k is not None}
            for k in ("annotation", "organism"):
                if k in row and row[k] == "":
                    del row[k]
            try:
                validate(row, "../schemas/samples.schema.yaml", set_default=False)
            except WorkflowError as e:
                problems.append(f"row {n} ({row.get('sample_id', '?')!r}): {e}")
                continue
            sid = row["sample_id"]
            if sid in seen:
                problems.append(f"row {n}: sample_id {sid!r} already used on row {seen[sid]}")
                continue
            seen[sid] = n
            rows.append(row)
    if problems:
        raise WorkflowError(f"sample sheet {path}:\n  " + "\n  ".join(problems))
    if not rows:
        raise WorkflowError(f"sample sheet {path}: no samples")
    return rows, [c for c in SAMPLE_COLUMNS if c in header]


SAMPLES, SHEET_COLUMNS = _read_samples(config["samples"])

# Samples go to chunks in sheet order: chunk 0000 holds the first chunk_size
# rows, and so on. One extract/align/subscan job per chunk keeps Snakemake's
# own overhead small for large cohorts.
CHUNK_SIZE = config["chunk_size"]
CHUNKS = {
    f"{i // CHUNK_SIZE:04d}": SAMPLES[i : i + CHUNK_SIZE]
    for i in range(0, len(SAMPLES), CHUNK_SIZE)
}

CATALOG = config.get("catalog", "")


wildcard_constraints:
    chunk="[0-9]{4}",
    gene="[A-Za-z0-9._-]+",


def chunk_sheet(wildcards):
    """The sample sheet of one chunk, as TSV text (params of rule chunk_sheet)."""
    rows = ["\t".join(SHEET_COLUMNS)]
    for s in CHUNKS[wildcards.chunk]:
        rows.append("\t".join(s.get(c, "") for c in SHEET_COLUMNS))
    return "\n".join(rows) + "\n"


def chunk_assemblies(wildcards):
    """Assemblies (and annotations) of one chunk: inputs of rule extract."""
    files = []
    for s in CHUNKS[wildcards.chunk]:
        files.append(s["assembly"])
        if s.get("annotation"):
            files.append(s["annotation"])
    return files


def catalog_input(wildcards):
    """The catalogue as an input file, or nothing when none is configured."""
    return [CATALOG] if CATALOG else []


def catalog_flag(wildcards):
    """--catalog flags for subscan and validate, or nothing."""
    if not CATALOG:
        return ""
    return f"--catalog {CATALOG!r} --catalog-format {config['catalog_format']}"


def report_dir(wildcards, output):
    """aggregate's --out-dir: the folder its report.html goes to."""
    return os.path.dirname(output.report)


def per_chunk(pattern):
    """Every chunk's file for a pattern such as results/chunks/{chunk}/sites.parquet."""
    return expand(pattern, chunk=sorted(CHUNKS))


def gene_alleles(wildcards):
    """Per-gene allele files; which genes were found is learnt by checkpoint genes."""
    out = checkpoints.genes.get(**wildcards).output.dir
    names = sorted(f[: -len(".faa")] for f in os.listdir(out) if f.endswith(".faa"))
    return expand("results/alleles/{gene}.tsv", gene=names)
