package figures

import (
	"bufio"
	"errors"
	"fmt"
	"github.com/pflow-go/pflow"
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
// together (errors.Join).
func WriteAll(dir string, names []string, progress io.Writer) error {
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
			return err
		}
		figs[i] = f
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("figures: %w", err)
	}
	var errs []error
	for i, f := range figs {
		start := time.Now()
		notes, err := writeFigure(dir, f)
		status := "ok"
		if err != nil {
			errs = append(errs, err)
			status = "FAILED: " + err.Error()
		}
		fmt.Fprintf(progress, "[%d/%d] %-22s %6.2fs %s\n", i+1, len(figs), f.Name, time.Since(start).Seconds(), status)
		for _, n := range notes {
			fmt.Fprintf(progress, "      note: %s\n", n)
		}
	}
	return errors.Join(errs...)
}

// writeFigure makes one figure, writes its three files and returns its notes.
func writeFigure(dir string, f *Figure) ([]string, error) {
	r, err := f.Make()
	if err != nil {
		return nil, err
	}
	for _, ext := range []string{"png", "svg", "csv"} {
		if err := writeFile(filepath.Join(dir, f.Name+"."+ext), r, ext); err != nil {
			return r.Notes, fmt.Errorf("figures: %s: %w", f.Name, err)
		}
	}
	return r.Notes, nil
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
