package swalign

import "io"

// WriteSRSHeader writes the header block of an srspair file; follow it with
// WriteSRSPairRecord for each pair and WriteSRSFooter, to stream a file that
// WriteSRSPair would write in one call.
func WriteSRSHeader(w io.Writer, h SRSHeader) error {
	var buf headerOnly
	if err := WriteSRSPair(&buf, h, nil); err != nil {
		return err
	}
	_, err := w.Write(buf.header())
	return err
}

// WriteSRSFooter writes the closing rules of an srspair file.
func WriteSRSFooter(w io.Writer) error {
	_, err := io.WriteString(w, srsFooter+"\n"+srsFooter+"\n")
	return err
}

// headerOnly captures WriteSRSPair's output for an empty pair list, which is
// the header followed by the footer.
type headerOnly struct{ b []byte }

func (h *headerOnly) Write(p []byte) (int, error) { h.b = append(h.b, p...); return len(p), nil }
func (h *headerOnly) header() []byte {
	return h.b[:len(h.b)-2*(len(srsFooter)+1)]
}
