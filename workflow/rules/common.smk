# Helpers shared by the rules: config and sample-sheet validation, chunking,
# and the input functions the rules name (no lambdas inside rules).

import json
import os
import shlex
import shutil
import subprocess

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

# The columns of a sample sheet, in the order chunk sheets are written; the
# reader is internal/samplesheet (a Go test checks this list and
# workflow/schemas/samples.schema.yaml against it).
SAMPLE_COLUMNS = ["sample_id", "assembly", "annotation", "organism", "hits", "hits_format"]


def _read_samples(path):
    """The sample sheet's rows, read by the reader every wtscan binary uses
    (wtscan-validate --print-samples): a sheet the workflow accepts, extract,
    validate and aggregate accept, and every problem is named with its line
    before any job runs."""
    if not os.path.exists(path):
        raise WorkflowError(f"sample sheet {path}: no such file")
    exe = shutil.which("wtscan-validate")
    if exe is None:
        # The binaries are only in the image (--use-singularity): split the
        # sheet plainly here; rule check_samples reads it with wtscan-validate
        # before any other job.
        return _split_sheet(path)
    p = subprocess.run(
        [exe, "--samples", path, "--print-samples", "--log-format", "json", "--log-level", "error"],
        capture_output=True,
        text=True,
    )
    if p.returncode != 0:
        msgs = [l for l in p.stderr.splitlines() if l.startswith("wtscan-validate: ") or l.startswith("  ")]
        raise WorkflowError("\n".join(msgs) or p.stderr)
    rows = json.loads(p.stdout)
    for row in rows:
        # The schema documents the sheet; the reader has checked it already.
        validate({c: row.get(c, "") for c in SAMPLE_COLUMNS if c in row or c == "assembly"}, "../schemas/samples.schema.yaml")
    return rows


def _split_sheet(path):
    """Rows of a sheet without checking them (container runs; see _read_samples)."""
    rows, header = [], None
    with open(path, encoding="utf-8-sig") as fh:
        for line in fh:
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            if header is None:
                if line.startswith("#") and not line.lstrip("#").strip().startswith("sample_id"):
                    continue
                header = [h.strip().lstrip("#").strip() for h in line.split("\t")]
                continue
            if line.startswith("#"):
                continue
            cells = [c.strip() for c in line.split("\t")]
            rows.append({h: v for h, v in zip(header, cells) if v})
    return rows


SAMPLES = _read_samples(config["samples"])
SHEET_COLUMNS = [
    c for c in SAMPLE_COLUMNS if c in ("sample_id", "assembly") or any(s.get(c) for s in SAMPLES)
]

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
    """Assemblies (and annotations, hit tables) of one chunk: inputs of rule extract."""
    files = []
    for s in CHUNKS[wildcards.chunk]:
        for c in ("assembly", "annotation", "hits"):
            if s.get(c):
                files.append(s[c])
    return files


def catalog_input(wildcards):
    """The catalogue as an input file, or nothing when none is configured."""
    return [CATALOG] if CATALOG else []


def catalog_flag(wildcards):
    """--catalog flags for subscan and validate, or nothing; quoted for the
    shell (a path may hold spaces, quotes, $ or backticks)."""
    if not CATALOG:
        return ""
    return f"--catalog {shlex.quote(CATALOG)} --catalog-format {shlex.quote(config['catalog_format'])}"


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
