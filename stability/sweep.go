package stability

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/pflow-go/pflow/internal/par"
	"github.com/pflow-go/pflow/problems"
)

// DALRun summarises one DAL run of SweepDAL.
type DALRun struct {
	// P is the DAL power.
	P float64
	// FinalLoss is E at the last iterate (+Inf if the run diverged) and
	// MinLoss the smallest loss seen.
	FinalLoss, MinLoss float64
	// LossIncreases and Spikes count the steps with E_{n+1} > E_n and
	// E_{n+1} > (1 + SpikeRel)E_n; MaxLossRatio is the largest
	// E_{n+1}/E_n (the size of the worst spike; < 1 for a monotone run).
	LossIncreases, Spikes int
	MaxLossRatio          float64
	// MaxSharpnessRate is the largest λ₀·h_n over the analysed steps (2 is
	// the edge of stability) and AboveEdge the number of analysed steps
	// with λ₀h_n > 2. Samples is the number of analysed steps; EveryStep
	// reports that every step was analysed (TrackSettings.Every = 1, the
	// default), so that MaxSharpnessRate is the maximum over the whole run
	// and not a lower bound.
	MaxSharpnessRate float64
	AboveEdge        int
	Samples          int
	EveryStep        bool
	// MaxCurvRate is the largest h_n·‖Hg_n‖/‖g_n‖ over every step in the
	// DAL window (0 when there is none, e.g. p = 0): the product DAL
	// controls, 2·(‖Hg‖/‖g‖)^(1−p) before clipping. It is at most
	// h_n·max|λ|, and much smaller when the gradient has left the sharp
	// directions.
	MaxCurvRate float64
	// MeanRate and MaxRate are the mean and the largest learning rate.
	MeanRate, MaxRate float64
	// Diverged is true when the loss became non-finite.
	Diverged bool
	// Trajectory is the full tracked run.
	Trajectory *Trajectory
}

// SweepDAL runs DAL-p from x0 for each power in ps (base holds the other
// DAL settings, s the tracking settings; s.DAL is ignored), with static
// rate h for p = 0 and outside the DAL window, and summarises each run:
// final loss, loss increases and spikes, λ₀h_n against the edge 2, the
// DAL product h_n‖Hg_n‖/‖g_n‖ and the rates. With s.Every = 1 (the
// default) the Hessian is analysed at every step and the λ₀h figures are
// maxima over the run (DALRun.EveryStep); with Every = k they are over the
// samples only.
//
// Rosca et al. (TMLR 2023, §6) present p as a trade-off: where the
// curvature along the gradient c = ‖Hg‖/‖g‖ exceeds 1, a larger p gives a
// smaller step 2/c^p (more stable, slower). Where c < 1 a larger p gives a
// larger step, so the trade-off need not be monotone in p on a given
// problem; docs/stability.md reports what the sweep measures on the MLP and
// on a quadratic. Diverged runs are reported, not returned as errors.
func SweepDAL(p *problems.Problem, h float64, x0 []float64, ps []float64, base DAL, s *TrackSettings) ([]DALRun, error) {
	var set TrackSettings
	if s != nil {
		set = *s
	}
	out, k, err := par.Map(context.Background(), len(ps), set.Workers, func(_ context.Context, i int) (DALRun, error) {
		pw := ps[i]
		set := set // each run its own copy (set.DAL differs)
		d := base
		d.P = pw
		set.DAL = &d
		tr, err := Track(p, h, x0, &set)
		r := DALRun{P: pw, Trajectory: tr}
		switch {
		case errors.Is(err, ErrDiverged):
			r.Diverged = true
		case err != nil:
			return r, fmt.Errorf("stability: DAL p = %v: %w", pw, err)
		}
		r.MinLoss = math.Inf(1)
		for _, e := range tr.Loss {
			if e < r.MinLoss {
				r.MinLoss = e
			}
		}
		r.FinalLoss = tr.Loss[len(tr.Loss)-1]
		if r.Diverged {
			r.FinalLoss = math.Inf(1)
		}
		r.LossIncreases, r.Spikes = tr.LossIncreases, tr.Spikes
		for i := 1; i < len(tr.Loss); i++ {
			if q := tr.Loss[i] / tr.Loss[i-1]; tr.Loss[i-1] > 0 && q > r.MaxLossRatio {
				r.MaxLossRatio = q
			}
		}
		for _, sm := range tr.Samples {
			r.MaxSharpnessRate = math.Max(r.MaxSharpnessRate, sm.Sharpness*sm.Rate)
			if sm.Sharpness*sm.Rate > 2 {
				r.AboveEdge++
			}
		}
		r.Samples = len(tr.Samples)
		r.EveryStep = r.Samples == len(tr.Loss)
		for i, rt := range tr.Rates {
			r.MeanRate += rt
			r.MaxRate = math.Max(r.MaxRate, rt)
			if i < len(tr.Curv) && !math.IsNaN(tr.Curv[i]) {
				r.MaxCurvRate = math.Max(r.MaxCurvRate, rt*tr.Curv[i])
			}
		}
		if len(tr.Rates) > 0 {
			r.MeanRate /= float64(len(tr.Rates))
		}
		return r, nil
	}, nil)
	if err != nil {
		return out[:k], err
	}
	return out, nil
}
