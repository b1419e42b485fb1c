package aggregate

import (
	"bytes"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wtscan/wtscan/internal/aggregate/synth"
	"github.com/wtscan/wtscan/internal/testdata"
)

// chromiumFlags keep headless Chromium off the network and out of the
// user's profile.
func chromiumFlags(userDir string) []string {
	return []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir=" + userDir,
		"--enable-logging=stderr", "--v=0"}
}

func runChromium(t *testing.T, bin string, args ...string) (stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("chromium: %v\n%s", err, e.String())
		}
	case <-time.After(90 * time.Second):
		cmd.Process.Kill()
		t.Fatal("chromium did not finish in 90 s")
	}
	return o.String(), e.String()
}

var consoleLine = regexp.MustCompile(`(?m)^.*:CONSOLE[:(].*$`)

// checkReportInBrowser loads report.html in headless Chromium: the scripts
// run without a console message, the plots are in the DOM after they ran,
// and a screenshot shows something.
func checkReportInBrowser(t *testing.T, report string, wantPlots map[string]int) {
	t.Helper()
	bin := testdata.Command(t, "chromium", "chromium")
	html, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	// Self-contained: nothing to fetch (the SVG namespace is a name, not a fetch).
	rest := strings.ReplaceAll(string(html), `xmlns="http://www.w3.org/2000/svg"`, "")
	for _, bad := range []string{"http://", "https://", "<link", "src=", "@import", "url(http"} {
		if strings.Contains(rest, bad) {
			t.Errorf("report.html refers to something outside itself: %q", bad)
		}
	}
	dir := t.TempDir()
	url := "file://" + report
	dom, logs := runChromium(t, bin, append(chromiumFlags(filepath.Join(dir, "profile1")), "--dump-dom", url)...)
	if m := consoleLine.FindAllString(logs, -1); len(m) > 0 {
		t.Errorf("console messages while loading the report:\n%s", strings.Join(m, "\n"))
	}
	if !regexp.MustCompile(`<body[^>]* data-ready="[1-9][0-9]*"`).MatchString(dom) {
		t.Errorf("the report's script did not run to its end (no data-ready on body)")
	}
	for class, min := range wantPlots {
		if n := strings.Count(dom, `class="plot `+class+`"`); n < min {
			t.Errorf("%d %s plots in the rendered page, want at least %d", n, class, min)
		}
	}
	shot := filepath.Join(dir, "shot.png")
	runChromium(t, bin, append(chromiumFlags(filepath.Join(dir, "profile2")), "--window-size=1400,2400", "--hide-scrollbars", "--screenshot="+shot, url)...)
	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 1400 || b.Dy() != 2400 {
		t.Errorf("screenshot is %v, want 1400×2400", b)
	}
	// The heatmap's red (known change) cells are in the first screenful.
	red := 0
	for y := 0; y < 1200; y++ {
		for x := 0; x < 1400; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			if r>>8 > 170 && g>>8 < 80 && b>>8 < 80 {
				red++
			}
		}
	}
	if red < 200 {
		t.Errorf("only %d red pixels in the first screenful: plots not drawn?", red)
	}
	if d := os.Getenv("WTSCAN_REPORT_SHOTS"); d != "" {
		data, _ := os.ReadFile(shot)
		os.WriteFile(filepath.Join(d, filepath.Base(filepath.Dir(report))+".png"), data, 0o644)
	}
}

func TestReportInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIPPED in -short: starts Chromium")
	}
	dir := t.TempDir()
	qc := writeFile(t, filepath.Join(dir, "qc.json"), `{"summary": {}, "findings": [{"file":"a.faa","record":"r1","check":"alphabet","severity":"error","message":"DNA in a protein file"},
	{"file":"b.parquet","line":4,"check":"outlier","severity":"warning","message":"identity <far> & low"}]}`)
	tests := []struct {
		name    string
		samples int
	}{
		{"ten", 10},       // one heatmap row per sample
		{"grouped", 3000}, // rows are patterns
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := filepath.Join(dir, tt.name+"-in")
			os.MkdirAll(in, 0o755)
			f := synthCohort(t, in, synth.Options{Samples: tt.samples, Genes: 10, SamplesPerFile: 1000, Seed: 11, Alignments: true})
			out := filepath.Join(dir, tt.name)
			args := []string{"--out-dir", out, "--qc", qc, "--mutations"}
			args = append(args, f.Mutations...)
			args = append(append(args, "--sites"), f.Sites...)
			args = append(append(args, "--alignments"), f.Alignments...)
			if code, stderr := runMain(t, args...); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			checkReportInBrowser(t, filepath.Join(out, "report.html"), map[string]int{"heatmap": 1, "lollipop": 10, "cooc": 2, "bars": 2})
		})
	}
}
