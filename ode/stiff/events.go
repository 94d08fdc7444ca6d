package stiff

import (
	"math"
	"slices"

	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/ode"
	"github.com/pflow-go/pflow/ode/internal/event"
)

// eventState locates the zeros of Problem.Events on the collocation
// polynomial of each accepted step.
type eventState[T linalg.Scalar] struct {
	evs        []ode.Event[T]
	samples    int
	gPrev, gB  []float64
	y          []T
	cand       []eventCand
	hits       []ode.EventHit[T]
	terminalAt int // index into hits of the terminal event, or −1
}

type eventCand struct {
	t float64
	e int
}

func newEventState[T linalg.Scalar](evs []ode.Event[T], t0 float64, y0 []T) *eventState[T] {
	if len(evs) == 0 {
		return nil
	}
	es := &eventState[T]{evs: evs, gPrev: make([]float64, len(evs)), gB: make([]float64, len(evs)),
		y: make([]T, len(y0)), terminalAt: -1}
	for i, e := range evs {
		if e.G == nil {
			panic("stiff: Event.G is nil")
		}
		es.samples = max(es.samples, e.Samples)
		es.gPrev[i] = e.G(t0, y0)
	}
	if es.samples <= 0 {
		es.samples = 8
	}
	return es
}

// step samples the event functions on the step [ta, tb] (polynomial
// u(ta + θh) = y0 + Σ L_k(θ) z_k, end value y1) and records the zeros in
// time order. It returns the time of the first terminal zero, or NaN.
func (es *eventState[T]) step(ta, h, tb float64, y0, y1 []T, z *[3][]T) float64 {
	at := func(dst []T, t float64) {
		if t == tb {
			copy(dst, y1)
			return
		}
		radauInterp(dst, (t-ta)/h, y0, z)
	}
	tA := ta
	for s := 1; s <= es.samples; s++ {
		tS := ta + h*float64(s)/float64(es.samples)
		if s == es.samples {
			tS = tb
		}
		at(es.y, tS)
		for i, e := range es.evs {
			es.gB[i] = e.G(tS, es.y)
		}
		es.cand = es.cand[:0]
		for i, e := range es.evs {
			if event.Crossing(es.gPrev[i], es.gB[i], e.Direction) {
				tz := event.Locate(func(t float64) float64 {
					at(es.y, t)
					return e.G(t, es.y)
				}, tA, tS, es.gPrev[i], es.gB[i])
				es.cand = append(es.cand, eventCand{t: tz, e: i})
			}
		}
		slices.SortFunc(es.cand, func(a, b eventCand) int {
			switch {
			case a.t < b.t:
				return -1
			case a.t > b.t:
				return 1
			}
			return a.e - b.e
		})
		for _, c := range es.cand {
			y := make([]T, len(y0))
			at(y, c.t)
			es.hits = append(es.hits, ode.EventHit[T]{Index: c.e, T: c.t, Y: y})
			if es.evs[c.e].Terminal {
				es.terminalAt = len(es.hits) - 1
				return c.t
			}
		}
		copy(es.gPrev, es.gB)
		tA = tS
	}
	return math.NaN()
}
