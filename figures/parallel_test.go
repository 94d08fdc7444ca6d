package figures

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// parallelNames are fast figures of different kinds (contours, 1-D
// curves, a bifurcation diagram): the parallel tests run them under -race.
var parallelNames = []string{"quadratic-h1.05", "stability-coefficient", "regimes", "doublewell", "saddle", "backward-error"}

// readDir returns the files of dir by name.
func readDir(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = b
	}
	return out
}

// progressNames returns the figure names of the progress lines, in order,
// with the elapsed times (which differ from run to run) removed.
var progressTime = regexp.MustCompile(`\s+[0-9.]+s `)

func progressLines(s string) string { return progressTime.ReplaceAllString(s, " ") }

// TestWriteAllWorkers: the files (PNG, SVG, CSV) and the progress lines
// (times aside) are the same bytes with 1, 4 and GOMAXPROCS workers.
func TestWriteAllWorkers(t *testing.T) {
	var want map[string][]byte
	var wantLog string
	for _, w := range []int{1, 4, 0} {
		dir := t.TempDir()
		var log bytes.Buffer
		written, err := WriteAllContext(context.Background(), dir, parallelNames, &WriteSettings{Workers: w, Progress: &log})
		if err != nil {
			t.Fatalf("workers %d: %v", w, err)
		}
		if !slices.Equal(written, parallelNames) {
			t.Errorf("workers %d: written %v", w, written)
		}
		got := readDir(t, dir)
		if len(got) != 3*len(parallelNames) {
			t.Errorf("workers %d: %d files", w, len(got))
		}
		if w == 1 {
			want, wantLog = got, progressLines(log.String())
			continue
		}
		for name, b := range want {
			if !bytes.Equal(got[name], b) {
				t.Errorf("workers %d: %s differs from the sequential run", w, name)
			}
		}
		if l := progressLines(log.String()); l != wantLog {
			t.Errorf("workers %d: progress\n%s\nwant\n%s", w, l, wantLog)
		}
	}
}

// TestWriteAllWorkersFailure: a figure that fails in the middle is
// reported in its place, the others are written, and the error is the same
// for every number of workers.
func TestWriteAllWorkersFailure(t *testing.T) {
	saved := gallery
	t.Cleanup(func() { gallery = saved })
	bad := &Figure{Name: "test-broken", Title: "broken", Caption: "fails", make: func() (*Result, error) {
		return nil, errors.New("no data")
	}}
	gallery = append(slices.Clone(saved), bad)
	names := []string{"stability-coefficient", "test-broken", "regimes"}
	var want []string
	var wantErr string
	for _, w := range []int{1, 3} {
		dir := t.TempDir()
		var log bytes.Buffer
		written, err := WriteAllContext(context.Background(), dir, names, &WriteSettings{Workers: w, Progress: &log})
		if err == nil || !strings.Contains(err.Error(), "test-broken: no data") {
			t.Fatalf("workers %d: err = %v", w, err)
		}
		if !slices.Equal(written, []string{"stability-coefficient", "regimes"}) {
			t.Errorf("workers %d: written %v", w, written)
		}
		if !strings.Contains(log.String(), "[2/3] test-broken") || !strings.Contains(log.String(), "FAILED") {
			t.Errorf("workers %d: progress %q", w, log.String())
		}
		if w == 1 {
			want, wantErr = written, err.Error()
		} else if !slices.Equal(written, want) || err.Error() != wantErr {
			t.Errorf("workers %d: %v, %v; want %v, %v", w, written, err, want, wantErr)
		}
	}
}

// TestWriteAllCancel: once the context is canceled no figure starts; the
// figures written are a prefix of the list and the error wraps the
// context's.
func TestWriteAllCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := t.TempDir()
	written, err := WriteAllContext(ctx, dir, parallelNames, &WriteSettings{Workers: 4})
	if !errors.Is(err, context.Canceled) || len(written) != 0 {
		t.Errorf("canceled before: written %v, err %v", written, err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("files written: %d", len(ents))
	}
	// Canceled by the first progress line: the figures in flight finish
	// and are written, no other starts (18 figures, the list three times).
	names := slices.Concat(parallelNames, parallelNames, parallelNames)
	for _, w := range []int{1, 2} {
		ctx, cancel := context.WithCancel(context.Background())
		dir := t.TempDir()
		written, err := WriteAllContext(ctx, dir, names, &WriteSettings{Workers: w, Progress: cancelWriter(cancel)})
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("workers %d: err %v", w, err)
		}
		if len(written) == 0 || len(written) == len(names) || !slices.Equal(written, names[:len(written)]) {
			t.Errorf("workers %d: written %v", w, written)
		}
		if w == 1 && len(written) != 1 {
			t.Errorf("workers 1: written %v, want the first figure only", written)
		}
	}
}

type cancelWriter context.CancelFunc

func (c cancelWriter) Write(b []byte) (int, error) {
	c()
	return len(b), nil
}
