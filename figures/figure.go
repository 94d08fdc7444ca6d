package figures

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/pflow-go/pflow"
	"github.com/pflow-go/pflow/internal/par"
	"image/color"
	"io"
	"os"
	"path/filepath"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// ErrUnknownFigure is returned by Lookup and WriteAll for a name that is not
// in the gallery.
var ErrUnknownFigure = pflow.Sentinel("figures: unknown figure", pflow.ErrUnknownName)

// DPI is the resolution of the PNG files written by Result.WritePNG.
const DPI = 100

// Figure is one figure of the gallery: a stable name (the stem of its files),
// a title, the caption of docs/figures.md, and the computation that produces
// its data and panels.
type Figure struct {
	// Name is the stable name used by `pflow figures -only` and as the stem
	// of the files NAME.png, NAME.svg and NAME.csv.
	Name string
	// Title is the one-line title drawn above the figure.
	Title string
	// Caption states what the figure shows (docs/figures.md).
	Caption string

	make func() (*Result, error)
}

// Make computes the figure's data and draws its panels.
func (f *Figure) Make() (*Result, error) {
	r, err := f.make()
	if err != nil {
		return nil, fmt.Errorf("figures: %s: %w", f.Name, err)
	}
	r.Name = f.Name
	r.Title = f.Title
	return r, nil
}

// Result is a computed figure: a grid of panels, the size of the page, the
// data behind the panels and remarks found while computing it (a flow that
// stopped early, for example).
type Result struct {
	// Name and Title are the figure's.
	Name, Title string
	// Panels holds the plots row by row; every row has the same length
	// and nil entries leave a tile empty.
	Panels [][]*plot.Plot
	// Width and Height are the page size.
	Width, Height vg.Length
	// Data holds every number drawn, written as CSV by WriteCSV.
	Data *Table
	// Notes are remarks about the computation, one line each.
	Notes []string
	// Aligned lines up the data areas of the panels (plot.Align), for
	// panels that share an axis.
	Aligned bool
}

// Draw draws the title and, under it, the panels in a grid of equal tiles
// (with their data areas lined up when Aligned is set) onto c.
func (r *Result) Draw(c draw.Canvas) {
	c.SetColor(color.White)
	var bg vg.Path
	bg.Move(c.Min)
	bg.Line(vg.Point{X: c.Max.X, Y: c.Min.Y})
	bg.Line(c.Max)
	bg.Line(vg.Point{X: c.Min.X, Y: c.Max.Y})
	bg.Close()
	c.Fill(bg)
	if r.Title != "" {
		sty := draw.TextStyle{
			Color:   color.Black,
			Font:    font.From(plot.DefaultFont, titleSize),
			XAlign:  draw.XCenter,
			YAlign:  draw.YTop,
			Handler: plot.DefaultTextHandler,
		}
		c.FillText(sty, vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: c.Max.Y - vg.Points(4)}, r.Title)
		c.Max.Y -= titleSize + vg.Points(8)
	}
	rows := len(r.Panels)
	if rows == 0 {
		return
	}
	cols := len(r.Panels[0])
	t := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Points(14), PadY: vg.Points(10),
		PadTop: vg.Points(2), PadBottom: vg.Points(2), PadLeft: vg.Points(2), PadRight: vg.Points(6)}
	if r.Aligned {
		cs := plot.Align(r.Panels, t, c)
		for i, row := range r.Panels {
			for j, p := range row {
				if p != nil {
					p.Draw(cs[i][j])
				}
			}
		}
		return
	}
	// Otherwise tiles of equal size: plot.Align stretches a panel whose
	// neighbour needs more room for glyphs, which moves its title.
	for i, row := range r.Panels {
		for j, p := range row {
			if p != nil {
				p.Draw(t.At(c, j, i))
			}
		}
	}
}

// WritePNG writes the figure as a PNG image at DPI dots per inch.
func (r *Result) WritePNG(w io.Writer) error {
	img := vgimg.NewWith(vgimg.UseWH(r.Width, r.Height), vgimg.UseDPI(DPI))
	r.Draw(draw.New(img))
	_, err := vgimg.PngCanvas{Canvas: img}.WriteTo(w)
	return err
}

// WriteSVG writes the figure as an SVG image.
func (r *Result) WriteSVG(w io.Writer) error {
	c := vgsvg.New(r.Width, r.Height)
	r.Draw(draw.New(c))
	_, err := c.WriteTo(w)
	return err
}

// WriteCSV writes the figure's data (see Table.WriteCSV).
func (r *Result) WriteCSV(w io.Writer) error {
	return r.Data.WriteCSV(w)
}

// Names returns the names of the gallery's figures in gallery order.
func Names() []string {
	out := make([]string, len(gallery))
	for i, f := range gallery {
		out[i] = f.Name
	}
	return out
}

// Gallery returns the figures in gallery order (copies; Make works on them).
func Gallery() []Figure {
	out := make([]Figure, len(gallery))
	for i, f := range gallery {
		out[i] = *f
	}
	return out
}

// Lookup returns the figure with the given name, or an error wrapping
// ErrUnknownFigure that lists the names.
func Lookup(name string) (*Figure, error) {
	for _, f := range gallery {
		if f.Name == name {
			g := *f
			return &g, nil
		}
	}
	return nil, fmt.Errorf("%w %q (known: %v)", ErrUnknownFigure, name, Names())
}

// WriteAll makes the named figures (all of them when names is empty) and
// writes NAME.png, NAME.svg and NAME.csv for each into dir, which is created
// if needed. It reports one line of progress per figure to progress (nil:
// silent), with the figure's notes. Unknown names are reported, wrapping
// ErrUnknownFigure, before anything is computed; a figure that fails is
// reported and the others are still written, and the failures are returned
// together (errors.Join). The figures are computed on GOMAXPROCS goroutines
// (WriteAllContext with the default WriteSettings): the files and the
// progress lines are the same, byte for byte, as one after another.
func WriteAll(dir string, names []string, progress io.Writer) error {
	_, err := WriteAllContext(context.Background(), dir, names, &WriteSettings{Progress: progress})
	return err
}

// WriteSettings configures WriteAllContext; the zero value (and nil) means
// the defaults.
type WriteSettings struct {
	// Workers is the number of figures computed and rendered at once
	// (default 0: runtime.GOMAXPROCS(0); 1: one after another). The files
	// are the same bytes for every value: each figure is computed and
	// drawn exactly as alone (the figures share no state, gonum/plot's font
	// cache is safe for concurrent use), and the files are written in the
	// order of names by the calling goroutine.
	Workers int
	// Progress receives one line per figure, in the order of names, with
	// the time the figure took and its notes (nil: silent).
	Progress io.Writer
}

// WriteAllContext is WriteAll with settings, bounded by ctx: once ctx is
// done no further figure starts (those being computed run to their end and
// are written: a figure takes seconds, the central-flow figure about 20 s)
// and the error returned wraps ctx.Err(), joined with the failures of the
// figures written before. It returns the names of the figures whose three
// files were written, in order: after a cancellation, a prefix of names
// (less the failed ones).
func WriteAllContext(ctx context.Context, dir string, names []string, s *WriteSettings) ([]string, error) {
	var set WriteSettings
	if s != nil {
		set = *s
	}
	progress := set.Progress
	if progress == nil {
		progress = io.Discard
	}
	if len(names) == 0 {
		names = Names()
	}
	figs := make([]*Figure, len(names))
	for i, n := range names {
		f, err := Lookup(n)
		if err != nil {
			return nil, err
		}
		figs[i] = f
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("figures: %w", err)
	}
	var errs []error
	var written []string
	_, _, err := par.Map(ctx, len(figs), set.Workers, func(_ context.Context, i int) (rendered, error) {
		// A figure that fails is a result (reported in order), not an
		// error that would stop the others.
		return renderFigure(figs[i]), nil
	}, func(i int, r rendered) {
		f := figs[i]
		err := r.err
		if err == nil {
			for k, ext := range fileExts {
				if err = os.WriteFile(filepath.Join(dir, f.Name+"."+ext), r.files[k], 0o666); err != nil {
					err = fmt.Errorf("figures: %s: %w", f.Name, err)
					break
				}
			}
		}
		status := "ok"
		if err != nil {
			errs = append(errs, err)
			status = "FAILED: " + err.Error()
		} else {
			written = append(written, f.Name)
		}
		fmt.Fprintf(progress, "[%d/%d] %-22s %6.2fs %s\n", i+1, len(figs), f.Name, r.elapsed.Seconds(), status)
		for _, n := range r.notes {
			fmt.Fprintf(progress, "      note: %s\n", n)
		}
	})
	if err != nil {
		errs = append(errs, fmt.Errorf("figures: stopped after %d of %d figures: %w", len(written), len(figs), err))
	}
	return written, errors.Join(errs...)
}

// fileExts are the files written per figure, in order.
var fileExts = [3]string{"png", "svg", "csv"}

// rendered is one figure made and drawn into memory.
type rendered struct {
	files   [3][]byte // png, svg, csv
	notes   []string
	err     error
	elapsed time.Duration
}

// renderFigure makes the figure and draws its three files into memory.
func renderFigure(f *Figure) (out rendered) {
	start := time.Now()
	defer func() { out.elapsed = time.Since(start) }()
	r, err := f.Make()
	if err != nil {
		out.err = err
		return out
	}
	out.notes = r.Notes
	for k, ext := range fileExts {
		var b bytes.Buffer
		if err := r.write(&b, ext); err != nil {
			out.err = fmt.Errorf("figures: %s: %w", f.Name, err)
			return out
		}
		out.files[k] = b.Bytes()
	}
	return out
}

func (r *Result) write(w io.Writer, ext string) error {
	switch ext {
	case "png":
		return r.WritePNG(w)
	case "svg":
		return r.WriteSVG(w)
	}
	return r.WriteCSV(w)
}

func writeFile(path string, r *Result, ext string) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	w := bufio.NewWriter(f)
	switch ext {
	case "png":
		err = r.WritePNG(w)
	case "svg":
		err = r.WriteSVG(w)
	case "csv":
		err = r.WriteCSV(w)
	}
	if err != nil {
		return err
	}
	return w.Flush()
}
