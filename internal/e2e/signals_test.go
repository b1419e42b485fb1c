package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wtscan/wtscan/internal/testdata"
)

// builtBinary is bin/NAME of the repository (make build); missing, the test
// fails under CI and skips loudly elsewhere.
func builtBinary(t *testing.T, name string) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	p := filepath.Join(filepath.Dir(file), "..", "..", "bin", name)
	if _, err := os.Stat(p); err != nil {
		testdata.Missing(t, p+" (run make build)")
	}
	return p
}

// TestSignalsStopEveryBinary (issue 13 item 9): SIGTERM and SIGINT stop every
// step, even one blocked reading its input (a named pipe no one writes to),
// within a few seconds, with a non-zero exit and no output or temporary
// file left behind.
func TestSignalsStopEveryBinary(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "in.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	refs := filepath.Join(dir, "refs.faa")
	os.WriteFile(refs, []byte(">gyrA_1 gene=gyrA\nMSDLAREITPVNIEEELKSSYLDYAMSVIVGRALPDVRDGLKPVHRRVLYAMNVLGNDWNKAYKKSARVVGDVIGKYHPHGDSAVYDTIVRMAQPFSLRYMLVDGQGNFGSIDGDSAAAMRYTEIRLAKIAHELMADLEKETVDFVDNYDGTEKIPDVMPTKIPNLLVNGSSGIAVGMATNIPPHNLTEVINGCLAYIDDEDISIEGLMEHIPGPDFPTAAIINGRRGIEEAYRTGRGKVYIRARAEVEVDAKTGRETIIVHEIPYQVNKARLIEKIAELVKEKRVEGISALRDESDKDGMRIVIEVKRDAVGEVVLNNLYSQTQLQVSFGINMVALHHGQPKIMNLKDIIAAFVRHRREVVTRRTIFELRKARDRAHILEALAVALANIDPIIELIRHAPTPAEAKTALVANPWQLGNVAAMLERAGDDAARPEWLEPEFGVRDGLYYLTEQQAQAILDLRLQKLTGLEHEKLLDEYKELLDQIAELLRILGSADRLMEVIREELELVREQFGDKRRTEITANSADINLEDLITQEDVVVTLSHQGYVKYQPLSEYEAQRRGGKGKSAARIKEEDFIDRLLVANTHDHILCFSSRGRVYSMKVYQLPEATRGARGRPIVNLLPLEQDERITAILPVTEFEEGVKVFMATANGTVKKTVLTEFNRLRTAGKVAIKLVDGDELIGVDLTSGEDEVMLFSAEGKVVRFKESSVRAMGCNTTGVRGIRLGEGDKVVSLIVPRGDGAILTATQNGYGKRTAVAEYPTKSRATKGVISIKVTERNGLVVGAVQVDDCDQIMMITDAGTLVRTRVSEISIVGRNTQGVILIRTAEDENVVGLQRVAEPVDEEDLDTIDGSAAEGDDEIAPEVDVDDEPEEE\n"), 0o644)
	cases := []struct {
		bin  string
		args []string
	}{
		{"wtscan-extract", []string{"-a", fifo, "-s", "S1", "-r", refs, "-o", filepath.Join(dir, "out", "p.parquet")}},
		{"wtscan-align", []string{"--queries", fifo, "--gene", "gyrA", "-r", refs, "--out", filepath.Join(dir, "out", "a.parquet")}},
		{"wtscan-subscan", []string{"--alignments", fifo, "--references", refs, "--out", filepath.Join(dir, "out", "m.parquet")}},
		{"wtscan-validate", []string{fifo, "--report", filepath.Join(dir, "out", "qc.json")}},
		{"wtscan-aggregate", []string{"--mutations", fifo, "--out-dir", filepath.Join(dir, "out", "cohort")}},
	}
	for _, c := range cases {
		for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
			t.Run(c.bin+"/"+sig.String(), func(t *testing.T) {
				os.RemoveAll(filepath.Join(dir, "out"))
				os.Mkdir(filepath.Join(dir, "out"), 0o755)
				cmd := exec.Command(builtBinary(t, c.bin), append(c.args, "--log-format", "json")...)
				var stderr strings.Builder
				cmd.Stderr = &stderr
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				time.Sleep(500 * time.Millisecond) // let it reach the blocking read
				t0 := time.Now()
				cmd.Process.Signal(sig)
				done := make(chan error, 1)
				go func() { done <- cmd.Wait() }()
				select {
				case <-done:
				case <-time.After(10 * time.Second):
					cmd.Process.Kill()
					<-done
					t.Fatalf("still running 10 s after %v", sig)
				}
				if cmd.ProcessState.ExitCode() == 0 {
					t.Errorf("exit 0 after %v: %s", sig, stderr.String())
				}
				if d := time.Since(t0); d > 5*time.Second {
					t.Errorf("took %v to stop", d)
				}
				if entries, _ := os.ReadDir(filepath.Join(dir, "out")); len(entries) != 0 {
					t.Errorf("left behind: %v", entries)
				}
			})
		}
	}
}
