package figures

import (
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// levelLines draws level sets of a grid as polylines traced by marching
// squares in a fixed order (grid edges by index), so the same data give
// the same bytes in SVG and PNG. gonum's plotter.Contour joins its paths
// through a map and emits them in a varying order.
type levelLines struct {
	g      *grid
	levels []float64
	style  draw.LineStyle
}

// Plot implements plot.Plotter.
func (l *levelLines) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, trY := plt.Transforms(&c)
	for _, z := range l.levels {
		for _, line := range l.g.levelSet(z) {
			pts := make([]vg.Point, len(line))
			for i, p := range line {
				pts[i] = vg.Point{X: trX(p[0]), Y: trY(p[1])}
			}
			c.StrokeLines(l.style, c.ClipLinesXY(pts)...)
		}
	}
}

// DataRange implements plot.DataRanger: the grid's box.
func (l *levelLines) DataRange() (xmin, xmax, ymin, ymax float64) {
	g := l.g
	return g.xs[0], g.xs[len(g.xs)-1], g.ys[0], g.ys[len(g.ys)-1]
}

// levelSet returns the polylines of {z = level} on the grid: each crossing
// of a grid edge is one vertex (linear interpolation along the edge), the
// crossings of a cell are joined (a saddle cell by the value at its
// centre), and the vertices are chained into polylines, open ones (ending
// on the boundary) first, each started from its lowest-numbered edge.
func (g *grid) levelSet(level float64) [][][2]float64 {
	nx, ny := len(g.xs), len(g.ys)
	if nx < 2 || ny < 2 {
		return nil
	}
	// Edge ids: horizontal edge (i, j)–(i+1, j) is j*(nx−1) + i; vertical
	// edge (i, j)–(i, j+1) is nh + j*nx + i.
	nh := (nx - 1) * ny
	ne := nh + nx*(ny-1)
	above := func(i, j int) bool { return g.z[i][j] >= level }
	finite := func(i, j int) bool { v := g.z[i][j]; return !math.IsNaN(v) && !math.IsInf(v, 0) }
	pos := make([][2]float64, ne)
	cross := make([]bool, ne)
	lerp := func(a, b, za, zb float64) float64 { return a + (level-za)/(zb-za)*(b-a) }
	for j := range ny {
		for i := range nx - 1 {
			if finite(i, j) && finite(i+1, j) && above(i, j) != above(i+1, j) {
				e := j*(nx-1) + i
				cross[e] = true
				pos[e] = [2]float64{lerp(g.xs[i], g.xs[i+1], g.z[i][j], g.z[i+1][j]), g.ys[j]}
			}
		}
	}
	for j := range ny - 1 {
		for i := range nx {
			if finite(i, j) && finite(i, j+1) && above(i, j) != above(i, j+1) {
				e := nh + j*nx + i
				cross[e] = true
				pos[e] = [2]float64{g.xs[i], lerp(g.ys[j], g.ys[j+1], g.z[i][j], g.z[i][j+1])}
			}
		}
	}
	// Each crossed edge has at most two neighbours, one per adjacent cell.
	nb := make([][2]int, ne)
	for e := range nb {
		nb[e] = [2]int{-1, -1}
	}
	link := func(a, b int) {
		for _, p := range [2][2]int{{a, b}, {b, a}} {
			if nb[p[0]][0] < 0 {
				nb[p[0]][0] = p[1]
			} else {
				nb[p[0]][1] = p[1]
			}
		}
	}
	for j := range ny - 1 {
		for i := range nx - 1 {
			bottom, top := j*(nx-1)+i, (j+1)*(nx-1)+i
			left, right := nh+j*nx+i, nh+j*nx+i+1
			var es []int
			for _, e := range [4]int{bottom, right, top, left} {
				if cross[e] {
					es = append(es, e)
				}
			}
			switch len(es) {
			case 2:
				link(es[0], es[1])
			case 4:
				// Saddle: the centre value decides which corners connect.
				c := (g.z[i][j] + g.z[i+1][j] + g.z[i][j+1] + g.z[i+1][j+1]) / 4
				if (c >= level) == above(i, j) {
					link(bottom, right)
					link(top, left)
				} else {
					link(bottom, left)
					link(top, right)
				}
			}
		}
	}
	seen := make([]bool, ne)
	var out [][][2]float64
	trace := func(start int) {
		line := [][2]float64{pos[start]}
		seen[start] = true
		prev, cur := -1, start
		for {
			next := nb[cur][0]
			if next == prev || (next >= 0 && seen[next] && next != start) {
				next = nb[cur][1]
			}
			if next < 0 || next == prev {
				break
			}
			line = append(line, pos[next])
			if seen[next] {
				break // closed loop back at the start
			}
			seen[next] = true
			prev, cur = cur, next
		}
		if len(line) > 1 {
			out = append(out, line)
		}
	}
	for pass := range 2 {
		for e := range ne {
			if !cross[e] || seen[e] {
				continue
			}
			open := nb[e][1] < 0
			if pass == 0 && open || pass == 1 {
				trace(e)
			}
		}
	}
	return out
}
