package refset

import "fmt"

// Problem is one thing wrong with a reference set: with a record of one of
// its files (Record > 0), or with the set as a whole (a file genes.txt lists
// but the folder lacks). Load stops at the first Refused problem;
// wtscan-validate reports them all.
type Problem struct {
	File   string
	Record int    // 1-based record number in File; 0: not about one record
	ID     string // the record's id
	Check  string // what is wrong: one of the Check constants
	Msg    string
	// Offset is the 0-based offset into the record's sequence where the
	// problem is (its first occurrence), or -1.
	Offset int
	// Count is how often it occurs in the record (characters outside the
	// alphabet, internal stops, gaps), when counted.
	Count int
	// Other is the reference the record clashes with (a repeated id or
	// gene, a record of another target), if any.
	Other *Reference
	// Fault: a fault of a distributed database that loading works around
	// (the record is not added; see Set.Faults). Load goes on.
	Fault bool
	// Tolerated: Load reads the record as it is (a '-' in a CDS, read as
	// X, or in a nucleotide target); a stricter check reports it.
	Tolerated bool
}

// Checks: what a Problem is about.
const (
	CheckMissing       = "missing"        // genes.txt lists a target whose file is missing
	CheckKind          = "kind"           // an unknown kind= tag, or a gene that is a protein in one record and a nucleotide target in another
	CheckUpstream      = "upstream"       // kind=promoter without upstream=N, or a promoter no longer than its upstream part
	CheckEmpty         = "empty"          // no sequence, or a protein that is only a stop
	CheckAlphabet      = "alphabet"       // a character that is no nucleotide (CDS, nucleotide target) or amino-acid (protein) code
	CheckCDSLength     = "cds_length"     // a CDS whose length is not a multiple of 3
	CheckInternalStop  = "internal_stop"  // a stop codon inside a protein
	CheckGap           = "gap"            // a '-' in the sequence
	CheckDuplicateID   = "duplicate_id"   // an id already in the set
	CheckDuplicateGene = "duplicate_gene" // a second reference of a gene for one organism
	CheckForeignRecord = "foreign_record" // a PointFinder target file holding another target's record
)

// Refused reports whether Load refuses the record (or set) for p.
func (p Problem) Refused() bool { return !p.Fault && !p.Tolerated }

// Error says where the problem is and what it is, as Load reports it.
func (p Problem) Error() string {
	if p.Record == 0 {
		return "references: " + p.Msg
	}
	return fmt.Sprintf("references %s record %d (%q): %s", p.File, p.Record, p.ID, p.Msg)
}

// problem is a problem of the record ref was read from.
func (r *Reference) problem(check string, offset, count int, format string, args ...any) Problem {
	return Problem{File: r.Source, Record: r.Record, ID: r.ID, Check: check, Msg: fmt.Sprintf(format, args...), Offset: offset, Count: count}
}

// refused returns the first of probs that Load refuses, or nil.
func refused(probs []Problem) *Problem {
	for i := range probs {
		if probs[i].Refused() {
			return &probs[i]
		}
	}
	return nil
}
