package figures

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var updateDocs = flag.Bool("figures.update", false, "regenerate docs/figures.md and the gallery PNGs in docs/figures/ (about 6 s)")

const docsDir = "../docs"

// TestDocs checks that docs/figures.md holds every figure's caption verbatim
// and embeds its PNG, and that the committed PNG exists and is small. With
// -figures.update it first regenerates both.
func TestDocs(t *testing.T) {
	if *updateDocs {
		if err := writeDocs(docsDir); err != nil {
			t.Fatal(err)
		}
	}
	md, err := os.ReadFile(filepath.Join(docsDir, "figures.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range Gallery() {
		if !bytes.Contains(md, []byte(f.Caption)) {
			t.Errorf("docs/figures.md lacks the caption of %s (run go test ./figures -run TestDocs -figures.update)", f.Name)
		}
		img := "figures/" + f.Name + ".png"
		if !bytes.Contains(md, []byte("]("+img+")")) {
			t.Errorf("docs/figures.md does not embed %s", img)
		}
		st, err := os.Stat(filepath.Join(docsDir, img))
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if st.Size() > 200<<10 {
			t.Errorf("%s is %d bytes, over 200 KiB", img, st.Size())
		}
	}
}

// writeDocs makes every figure, writes its PNG into dir/figures and writes
// dir/figures.md.
func writeDocs(dir string) error {
	var b strings.Builder
	b.WriteString(docsHead)
	for i, f := range Gallery() {
		r, err := f.Make()
		if err != nil {
			return err
		}
		if err := writeFile(filepath.Join(dir, "figures", f.Name+".png"), r, "png"); err != nil {
			return err
		}
		fmt.Fprintf(&b, "## %d. %s\n\n", i+1, f.Title)
		fmt.Fprintf(&b, "`-only %s`\n\n", f.Name)
		fmt.Fprintf(&b, "![%s](figures/%s.png)\n\n", f.Name, f.Name)
		fmt.Fprintf(&b, "%s\n\n", f.Caption)
		fmt.Fprintf(&b, "Data (`%s.csv`, series: %s).\n\n", f.Name, seriesList(r.Data))
		if len(r.Notes) > 0 {
			b.WriteString("Measured in this run:\n\n")
			for _, n := range r.Notes {
				fmt.Fprintf(&b, "- %s\n", n)
			}
			b.WriteString("\n")
		}
	}
	return os.WriteFile(filepath.Join(dir, "figures.md"), []byte(b.String()), 0o644)
}

func seriesList(t *Table) string {
	var names []string
	seen := map[string]bool{}
	for _, r := range t.Rows {
		if !seen[r.Series] {
			seen[r.Series] = true
			names = append(names, "`"+r.Series+"`")
		}
	}
	if len(names) > 12 {
		names = append(names[:12], "…")
	}
	return strings.Join(names, ", ") + "; columns: " + strings.Join(t.Columns, ", ")
}

const docsHead = `# Figure gallery

The figures below are drawn by package figures (gonum.org/v1/plot) from the data that
packages modified, verify and stability return, and are reproduced on a fresh clone with

    go run ./cmd/pflow figures                        # all eleven into ./pflow-figures, about 6 s on 2 cores
    go run ./cmd/pflow figures -out figs -only saddle # one, into ./figs (comma-separated names allowed)

Each figure NAME is written as NAME.png (100 dpi), NAME.svg and NAME.csv, with one line of
progress per figure on stderr (and the measured numbers listed under each figure here). The
CSV files are in long form: a column series (gd, ngf, igr, pf, pf-principal, error:pf, …)
followed by numeric columns; NA marks a value that does not apply to a series. Numbers are
written in the shortest form that reads back to the same float64.

Conventions in every figure: GD iterates are black dots (joined by a faint line in the
order they are visited, when there are few), the flows are lines in fixed colours (NGF blue,
IGR green dashed, BEA3 orange, PF vermillion, PF on the principal branch purple dotted, PF+np
sky blue). The principal flow is complex wherever hλ > 1: in parameter space and in time
series its real part is drawn (the axis labels say so), and its imaginary part is shown where
it matters. Flows are integrated with DOP853 at rtol 1e-12, atol 1e-14 (the settings of
verify.Compare) and sampled from the dense output; the distances to GD at t = nh come from
verify.Compare. A flow whose integration stops (a pole, a collapsing step) is drawn up to where
it stopped, and the stop is listed under the figure.

The package can be used directly: figures.Lookup(name) and Figure.Make give the panels and
the data, figures.WriteAll writes the files, and the data functions (NewTrajectories,
FlowCurve, NewPhiCurve, NewRegimeRuns, BackwardErrors, Bifurcation, EdgeOfStability) return
the numbers without drawing anything.

To regenerate this page and the PNG files in docs/figures/ after a change:

    go test ./figures -run TestDocs -figures.update


## Your own run

` + "`" + `pflow trajectory -problem P -x0 … -flow ngf,igr,pf -lr H -steps N -plot out.png` + "`" + ` (or ` + "`" + `.svg` + "`" + `) draws
any run the way the gallery does (figures.RunFigure, or ` + "`" + `(*figures.Trajectories).Figure` + "`" + ` on data
from figures.NewTrajectories): loss contours with the GD iterates and the real parts of the flows
for a 2-D problem (θ₁ against the step otherwise), each flow's distance to GD at t = nh, and, when a
flow leaves ℝ^D (the PF where hλ > 1), its real and imaginary parts against the step. The bytes are
deterministic (the level sets are traced in grid order: gonum's contour plotter emits its paths in
map order). A loss without a complex extension (an expression with abs) is drawn from the flows in
float64 at t = nh only.

`
