package variant

// Shape is what an alignment row says about how much of the reference a
// query covers, for deciding whether a FAILED alignment is still called.
type Shape struct {
	Frameshifts           string  // frameshift positions reported by extract ("" for none)
	HasStop               bool    // the aligned query holds a premature stop '*'
	PctIdentity           float64 // over the aligned columns
	QueryEnd, QueryLength int
	RefEnd, RefLength     int
	PartialEnd            bool // the gene runs off a contig edge
}

// Disrupted reports whether a FAILED alignment is short because the gene is
// broken — a frameshift, a premature stop, or a query that ends inside the
// reference away from a contig edge — rather than because the query is not
// the gene. Such rows are called anyway (wtscan-subscan) and count as covered
// (wtscan-aggregate): OmpK35 cut to 40 % by a frameshift (K. pneumoniae
// HS11286) is exactly what a lab needs to see.
func Disrupted(s Shape) bool {
	if s.Frameshifts != "" || s.HasStop {
		return true
	}
	// Identity over the aligned part must still say "this is the gene".
	if s.PctIdentity < 80 {
		return false
	}
	return s.QueryEnd == s.QueryLength && s.RefEnd < s.RefLength && !s.PartialEnd
}
