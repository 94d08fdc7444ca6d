package ode

import (
	"fmt"
	"slices"

	"github.com/pflow-go/pflow/ode/internal/event"
)

// handleEvents samples every event function on the dense output of the last
// step, locates the zeros in time order and records them; a terminal one
// truncates the step.
func (it *Integrator[T]) handleEvents() {
	evs := it.set.Events
	samples := 0
	for _, e := range evs {
		samples = max(samples, e.Samples)
	}
	if samples == 0 {
		samples = 8
	}
	it.ensureDense()
	tA := it.tOld
	for s := 1; s <= samples; s++ {
		tB := it.tOld + it.hUsed*float64(s)/float64(samples)
		yB := it.ye
		if s == samples {
			tB = it.t // the step end (a terminal event has not cut it yet)
			yB = it.yEnd
		} else {
			it.interp(yB, tB)
		}
		for i, e := range evs {
			it.gB[i] = e.G(tB, yB)
		}
		it.cand = it.cand[:0]
		for i, e := range evs {
			if event.Crossing(it.gPrev[i], it.gB[i], e.Direction) {
				it.cand = append(it.cand, evCand{t: it.locate(i, tA, tB, it.gPrev[i], it.gB[i]), e: i})
			}
		}
		if len(it.cand) > 1 {
			slices.SortFunc(it.cand, func(a, b evCand) int {
				if (a.t-b.t)*it.dir < 0 {
					return -1
				}
				if a.t == b.t {
					return a.e - b.e
				}
				return 1
			})
		}
		for _, c := range it.cand {
			y := make([]T, it.n)
			it.interp(y, c.t)
			it.hits = append(it.hits, EventHit[T]{Index: c.e, T: c.t, Y: y})
			if evs[c.e].Terminal {
				copy(it.yEv, y)
				it.cur = it.yEv
				it.t = c.t
				it.done = true
				it.status = EventStop
				it.err = fmt.Errorf("%w: terminal event %d at t = %v", ErrStopped, c.e, c.t)
				return
			}
		}
		copy(it.gPrev, it.gB)
		tA = tB
	}
}

func (it *Integrator[T]) interp(dst []T, t float64) {
	denseEval(dst, it.m, it.tOld, it.hUsed, it.yOld, it.yEnd, it.dk, it.denseIdx, t)
}

// locate finds the zero of event i between ta and tb (g changes sign
// there) on the dense output; see event.Locate.
func (it *Integrator[T]) locate(i int, ta, tb, ga, gb float64) float64 {
	g := it.set.Events[i].G
	return event.Locate(func(t float64) float64 {
		it.interp(it.stage, t)
		return g(t, it.stage)
	}, ta, tb, ga, gb)
}
