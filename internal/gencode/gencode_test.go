package gencode

import "testing"

func TestTranslate(t *testing.T) {
	tests := []struct {
		name, dna string
		init      bool
		want      string
	}{
		// The first codons of E. coli gyrA (GenBank X06373): M S D L A R E I T P V N I.
		{"gyrA start", "ATGAGCGACCTTGCGAGAGAAATTACACCGGTCAACATT", true, "MSDLAREITPVNI"},
		{"GTG initiator", "GTGAAAGTG", true, "MKV"},
		{"GTG not initiator", "GTGAAAGTG", false, "VKV"},
		{"stops", "TAATAGTGA", false, "***"},
		{"ambiguous", "ATGNNNTGG", false, "MXW"},
		{"lower case and partial codon", "atgtggA", false, "MW"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(Translate([]byte(tt.dna), tt.init)); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestStartsAndStops(t *testing.T) {
	for _, c := range []string{"ATG", "GTG", "TTG", "ATT", "ATC", "ATA", "CTG"} {
		if !IsStart([]byte(c)) {
			t.Errorf("%s should be a table-11 start", c)
		}
	}
	if IsStart([]byte("AAA")) || !IsStop([]byte("TGA")) || IsStop([]byte("TGG")) {
		t.Error("start/stop misclassified")
	}
}

func TestReverseComplement(t *testing.T) {
	if got := string(ReverseComplement([]byte("ATGCNRYacg"))); got != "cgtRYNGCAT" {
		t.Errorf("got %s", got)
	}
}
