package stability

import (
	"math"
	"slices"
)

// DetectSettings configures Detect. The zero value means the documented
// defaults.
type DetectSettings struct {
	// EdgeTol is the relative band around the edge: the edge of stability
	// is |λ₀h/2 − 1| ≤ EdgeTol (default 0.1).
	EdgeTol float64
	// MinEdgeSamples is the number of consecutive samples inside the band
	// that make an edge-of-stability phase (default 8).
	MinEdgeSamples int
	// Rise is the relative increase of λ₀ that counts as sharpening:
	// λ₀(end)/λ₀(start) ≥ 1 + Rise (default 0.2).
	Rise float64
}

// EdgeOfStability describes the phase in which the sharpness hovers at the
// edge 2/h (Cohen, Kaur, Li, Kolter, Talwalkar, "Gradient descent on
// neural networks typically occurs at the edge of stability", ICLR 2021).
type EdgeOfStability struct {
	// Found is true when the sharpness reaches the edge (λ₀ ≥ 2/h at
	// step FirstCross) and, from then on, stays in the band
	// |λ₀h/2 − 1| ≤ EdgeTol for at least MinEdgeSamples consecutive
	// samples. Excursions out of the band right after the first crossing
	// (the overshoot before self-stabilisation; Damian, Nichani, Lee, ICLR
	// 2023) are allowed: the longest in-band run after FirstCross counts.
	Found bool
	// Start and End are the steps of the first and last sample of that
	// run.
	Start, End int
	// FirstCross is the first sampled step with λ₀ ≥ 2/h (−1 if none).
	FirstCross int
	// MeanRatio is the mean of λ₀h/2 over the run and MaxDev the largest
	// |λ₀h/2 − 1| in it.
	MeanRatio, MaxDev float64
	// Above counts the run's samples with λ₀ > 2/h.
	Above int
}

// Sharpening describes progressive sharpening: λ₀ rising while GD is
// stable (Cohen et al., ICLR 2021, §3).
type Sharpening struct {
	// Found is true when λ₀ rose by the factor 1 + Rise between Start and
	// End.
	Found bool
	// Start is the step of the smallest λ₀ before End; End is the first
	// step at which λ₀ reaches 2/h, or the last sample when it never does.
	Start, End int
	// From and To are λ₀ at Start and End.
	From, To float64
	// Monotone is the fraction of consecutive samples between Start and
	// End at which λ₀ increased.
	Monotone float64
}

// Detect finds progressive sharpening and the edge-of-stability phase in
// a sequence of samples (in step order).
func Detect(samples []Sample, s DetectSettings) (Sharpening, EdgeOfStability) {
	if s.EdgeTol <= 0 {
		s.EdgeTol = 0.1
	}
	if s.MinEdgeSamples <= 0 {
		s.MinEdgeSamples = 8
	}
	if s.Rise <= 0 {
		s.Rise = 0.2
	}
	var eos EdgeOfStability
	eos.FirstCross = -1
	cross := slices.IndexFunc(samples, func(sm Sample) bool { return sm.Ratio >= 1 })
	endIdx := len(samples) - 1
	if cross >= 0 {
		eos.FirstCross = samples[cross].Step
		endIdx = cross
		// Longest run of in-band samples at or after the first crossing.
		bestLen, best := 0, -1
		for i := cross; i < len(samples); {
			if math.Abs(samples[i].Ratio-1) > s.EdgeTol {
				i++
				continue
			}
			j := i
			for j < len(samples) && math.Abs(samples[j].Ratio-1) <= s.EdgeTol {
				j++
			}
			if j-i > bestLen {
				bestLen, best = j-i, i
			}
			i = j
		}
		if bestLen >= s.MinEdgeSamples {
			run := samples[best : best+bestLen]
			eos.Found = true
			eos.Start, eos.End = run[0].Step, run[len(run)-1].Step
			for _, sm := range run {
				eos.MeanRatio += sm.Ratio
				eos.MaxDev = math.Max(eos.MaxDev, math.Abs(sm.Ratio-1))
				if sm.Ratio > 1 {
					eos.Above++
				}
			}
			eos.MeanRatio /= float64(len(run))
		}
	}
	var sh Sharpening
	if endIdx < 0 {
		return sh, eos
	}
	lo := 0
	for i := 1; i <= endIdx; i++ {
		if samples[i].Sharpness < samples[lo].Sharpness {
			lo = i
		}
	}
	sh.Start, sh.End = samples[lo].Step, samples[endIdx].Step
	sh.From, sh.To = samples[lo].Sharpness, samples[endIdx].Sharpness
	if endIdx > lo {
		up := 0
		for i := lo + 1; i <= endIdx; i++ {
			if samples[i].Sharpness > samples[i-1].Sharpness {
				up++
			}
		}
		sh.Monotone = float64(up) / float64(endIdx-lo)
	}
	sh.Found = sh.From > 0 && sh.To >= (1+s.Rise)*sh.From
	return sh, eos
}
