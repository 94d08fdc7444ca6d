package stability

import (
	"errors"
	"fmt"
	"math"

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
	// E_{n+1} > (1 + SpikeRel)E_n.
	LossIncreases, Spikes int
	// MaxSharpnessRate is the largest λ₀·h_n over the samples (2 is the
	// edge of stability) and MeanRate the mean learning rate.
	MaxSharpnessRate, MeanRate float64
	// Diverged is true when the loss became non-finite.
	Diverged bool
	// Trajectory is the full tracked run.
	Trajectory *Trajectory
}

// SweepDAL runs DAL-p from x0 for each power in ps (base holds the other
// DAL settings, s the tracking settings; s.DAL is ignored), with static
// rate h for p = 0 and outside the DAL window. It shows the trade-off of
// Rosca et al. (TMLR 2023, §6): larger p keeps λ₀h_n further below 2
// (fewer loss spikes) but takes smaller steps (higher final loss after a
// fixed number of steps). Diverged runs are reported, not returned as
// errors.
func SweepDAL(p *problems.Problem, h float64, x0 []float64, ps []float64, base DAL, s *TrackSettings) ([]DALRun, error) {
	var set TrackSettings
	if s != nil {
		set = *s
	}
	out := make([]DALRun, 0, len(ps))
	for _, pw := range ps {
		d := base
		d.P = pw
		set.DAL = &d
		tr, err := Track(p, h, x0, &set)
		r := DALRun{P: pw, Trajectory: tr}
		switch {
		case errors.Is(err, ErrDiverged):
			r.Diverged = true
		case err != nil:
			return out, fmt.Errorf("stability: DAL p = %v: %w", pw, err)
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
		for _, sm := range tr.Samples {
			r.MaxSharpnessRate = math.Max(r.MaxSharpnessRate, sm.Sharpness*sm.Rate)
		}
		for _, rt := range tr.Rates {
			r.MeanRate += rt
		}
		if len(tr.Rates) > 0 {
			r.MeanRate /= float64(len(tr.Rates))
		}
		out = append(out, r)
	}
	return out, nil
}
