package ode

import "github.com/pflow-go/pflow/linalg"

// Func is the right-hand side of y' = f(t, y). It writes f(t, y) into dydt,
// which has the length of y, and must not retain or modify y. It should not
// allocate: the integrators call it once per stage.
type Func[T linalg.Scalar] func(dydt []T, t float64, y []T)

// Stats counts the work done by an integration.
type Stats struct {
	NFev      int // evaluations of the right-hand side
	NJev      int // Jacobian evaluations (implicit and stiff methods)
	NLU       int // matrix factorizations (implicit and stiff methods)
	NSteps    int // steps attempted (accepted + rejected)
	NAccepted int // steps accepted
	NRejected int // steps rejected by the error control or a failed solve

	// The counters of Hairer's RADAU5 that the above lack (implicit
	// methods; zero for the others).
	NSolve        int // linear-system solves of the Newton iterations (RADAU5's NSOL)
	NRejectErr    int // steps rejected by the error test after the first accepted step (NREJCT)
	NNewtonFail   int // step reductions after a diverging, too slow or too long Newton iteration
	NSingular     int // singular or non-finite iteration matrices (NSING)
	MaxNewtonIter int // most Newton iterations of an accepted step
}
