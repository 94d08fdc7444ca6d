package problems

import (
	"fmt"
	"sync"
)

// Generic twins of the hand-written low-dimensional catalogue problems:
// the same losses written once against Number, instantiated with Taylor,
// so that DerivsOf can give them derivatives of any order.

func twinCubic[N Number[N]](x []N) N {
	a := x[0]
	a2 := a.Mul(a)
	return a2.Scale(0.5).Add(a2.Mul(a).Scale(1.0 / 3))
}

func twinQuarticG[N Number[N]](x []N) N {
	a2 := x[0].Mul(x[0])
	return a2.Mul(a2).Scale(0.25).Add(a2.Scale(0.5))
}

// twinLogcoshG is log(cosh θ); Cosh overflows for |Re θ| > 710, so the twin
// serves |θ| below that.
func twinLogcoshG[N Number[N]](x []N) N { return x[0].Cosh().Log() }

func twinDoublewellG[N Number[N]](x []N) N {
	a := x[0].Mul(x[0]).Scale(-1 / (2 * dwSigma * dwSigma)).Exp()
	y := x[0].AddConst(-dwCenter)
	b := y.Mul(y).Scale(-0.5).Exp().Scale(dwWeight)
	return a.Add(b).Neg()
}

func twinRosenbrockG[N Number[N]](x []N) N {
	a := x[0].Neg().AddConst(1)
	b := x[1].Sub(x[0].Mul(x[0]))
	return a.Mul(a).Add(b.Mul(b).Scale(100))
}

func twinSaddleG[N Number[N]](x []N) N { return x[0].Mul(x[0]).Sub(x[1].Mul(x[1])) }

func twinMonkeyG[N Number[N]](x []N) N {
	return x[0].Mul(x[0]).Mul(x[0]).Sub(x[0].Mul(x[1]).Mul(x[1]).Scale(3))
}

func twinHimmelblauG[N Number[N]](x []N) N {
	a := x[0].Mul(x[0]).Add(x[1]).AddConst(-11)
	b := x[0].Add(x[1].Mul(x[1])).AddConst(-7)
	return a.Mul(a).Add(b.Mul(b))
}

func twinQuadratic2dG[N Number[N]](x []N) N {
	return x[0].Mul(x[0]).Add(x[1].Mul(x[1]).Scale(0.01))
}

var twinTable = map[string]struct {
	dim  int
	loss func([]Taylor) Taylor
}{
	"cubic":        {1, twinCubic[Taylor]},
	"quartic":      {1, twinQuarticG[Taylor]},
	"logcosh":      {1, twinLogcoshG[Taylor]},
	"doublewell":   {1, twinDoublewellG[Taylor]},
	"rosenbrock":   {2, twinRosenbrockG[Taylor]},
	"saddle":       {2, twinSaddleG[Taylor]},
	"monkeysaddle": {2, twinMonkeyG[Taylor]},
	"himmelblau":   {2, twinHimmelblauG[Taylor]},
	"quadratic2d":  {2, twinQuadratic2dG[Taylor]},
}

var (
	twinMu   sync.Mutex
	twinMade = map[string]*Derivs{}
)

// DerivsOf returns derivative contractions of any order for p: p.Derivs
// when set (problems from FromGeneric with a Taylor instantiation), else
// the generic twin of a low-dimensional catalogue problem (cubic,
// quartic, logcosh, doublewell, rosenbrock, saddle, monkeysaddle,
// himmelblau, quadratic2d — matched by name and dimension), else an error
// wrapping ErrNoDerivs.
func DerivsOf(p *Problem) (*Derivs, error) {
	if p == nil {
		return nil, fmt.Errorf("%w: nil problem", ErrBadParameter)
	}
	if p.Derivs != nil {
		return p.Derivs, nil
	}
	tw, ok := twinTable[p.Name]
	if !ok || tw.dim != p.Dim {
		return nil, fmt.Errorf("%w: problem %s (build it with FromGeneric and a Taylor instantiation)", ErrNoDerivs, p.Name)
	}
	twinMu.Lock()
	defer twinMu.Unlock()
	if d, ok := twinMade[p.Name]; ok {
		return d, nil
	}
	d, err := NewDerivs(tw.dim, tw.loss)
	if err != nil {
		return nil, err
	}
	twinMade[p.Name] = d
	return d, nil
}
