package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/pflow-go/pflow/eos"
	"github.com/pflow-go/pflow/modified"
	"github.com/pflow-go/pflow/problems"
)

func init() {
	register("eos", command{
		summary:  "GD at the edge of stability against the central flow, the stable flow and k-step predictors (JSON or CSV)",
		synopsis: "-problem P -lr H -steps N [-models m,…] [-k K] [-every M] [-sample S] [-eigs E] [-substeps Q] [-maxsteps B] [-pf-tol T] [-data DIR] [-timeout D] [-format json|csv] [-workers N]",
		define:   defineEOS,
	})
}

// eosJSON is the `eos -format json` contract of docs/design.md.
type eosJSON struct {
	Problem   string         `json:"problem"`
	LR        jsonNum        `json:"lr"`
	Steps     int            `json:"steps"`
	OnsetStep *int           `json:"onset_step"`
	Sharpness []eosSharpJSON `json:"sharpness"`
	Loss      []eosLossJSON  `json:"loss"`
	Models    []eosModelJSON `json:"models"`
}

type eosSharpJSON struct {
	Step    int     `json:"step"`
	Lambda0 jsonNum `json:"lambda0"`
}

type eosLossJSON struct {
	Step        int     `json:"step"`
	GD          jsonNum `json:"gd"`
	GDAvg       jsonNum `json:"gd_avg"`
	CentralPred jsonNum `json:"central_pred"`
}

type eosModelJSON struct {
	Name     string         `json:"name"`
	Kind     string         `json:"kind"`
	Mean     jsonNum        `json:"mean_distance_after_onset"`
	Distance []eosPointJSON `json:"distance"`
}

type eosPointJSON struct {
	Step  int     `json:"step"`
	Value jsonNum `json:"value"`
}

func defineEOS(fs *flag.FlagSet) func(c *cli) int {
	problem := fs.String("problem", "", "problem name (required), e.g. cfjax or mnist:n=1000; known: "+strings.Join(problems.Names(), ", "))
	lr := positiveFlag(fs, "lr", "learning rate `H` > 0 (required)", 0)
	steps := intFlag(fs, "steps", "number of GD steps `N` (required)", 0, 2, 1<<24)
	models := fs.String("models", strings.Join(eos.DefaultModels, ","), "comma-separated `models`: gf and central (whole-run flows), and k-step predictors from: "+strings.Join(modified.Names(), ", "))
	k := intFlag(fs, "k", "predictor horizon `K` in GD steps", 5, 1, 1<<20)
	every := intFlag(fs, "every", "start a k-step prediction every `M` GD steps", 10, 1, 1<<24)
	sample := intFlag(fs, "sample", "sample sharpness, losses and flow distances every `S` GD steps", 10, 1, 1<<24)
	eigs := intFlag(fs, "eigs", "top Hessian eigenpairs `E` tracked by the central flow (1–10)", 5, 1, 10)
	substeps := intFlag(fs, "substeps", "Euler substeps `Q` of the central flow per GD step", 4, 1, 1000)
	maxSteps := intFlag(fs, "maxsteps", "integrator step budget `B` of one k-step prediction (exhausted: the sample is null)", 1000, 1, 1000000)
	pfTol := positiveFlag(fs, "pf-tol", "relative accuracy `T` of the principal flow's Krylov back-end in the predictors (default 1e-12)", 0)
	data := fs.String("data", "", "directory `DIR` with the four MNIST IDX .gz files (default: the GoMNIST module in the Go module cache)")
	timeout := fs.Duration("timeout", 0, "stop after `D` (e.g. 10m) and print what was computed (default: no limit)")
	format := choiceFlag(fs, "format", "output format", "json", "json", "csv")
	workers := workersFlag(fs, "models")
	return func(c *cli) int {
		if *problem == "" {
			return c.fail("-problem is required (known: %s)", strings.Join(problems.Names(), ", "))
		}
		if *lr == 0 {
			return c.fail("-lr is required")
		}
		if *steps == 0 {
			return c.fail("-steps is required")
		}
		known := append([]string{"gf", "central"}, modified.Names()...)
		ms, err := parseNames(*models, known, "model")
		if err != nil {
			return c.fail("-models: %v", err)
		}
		for _, m := range ms {
			if m != "gf" && m != "central" && *k > *steps {
				return c.fail("-k %d exceeds -steps %d (predictor %s)", *k, *steps, m)
			}
		}
		if *data != "" {
			problems.MNISTDataDir = *data
		}
		p, err := problems.ByName(*problem)
		if err != nil {
			if errors.Is(err, problems.ErrNoData) {
				return c.exitFor(err)
			}
			return c.fail("%v", err)
		}
		ctx := context.Background()
		if *timeout > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, *timeout)
			defer cancel()
		}
		pr := newProgress(c.stderr, "pflow eos: ")
		var fo *modified.Options
		if *pfTol > 0 {
			fo = &modified.Options{Backend: modified.BackendKrylov, KrylovTol: *pfTol}
		}
		res, err := eos.Run(ctx, eos.Config{
			FlowOptions: fo,
			Problem:     p, LR: *lr, Steps: *steps, Models: ms, K: *k, Every: *every, Sample: *sample, MaxSteps: *maxSteps,
			Central: eos.CentralSettings{Eigs: *eigs, Substeps: *substeps},
			Workers: *workers,
			Progress: func(stage string, done, total int) {
				pr.tick("%s: %d of %d on %s", stage, done, total, p.Name)
			},
		})
		status := 0
		if err != nil {
			if res == nil {
				return c.exitFor(err, eos.ErrInvalidInput)
			}
			if errors.Is(err, context.DeadlineExceeded) {
				err = fmt.Errorf("stopped by -timeout %v: %w; the output is partial", *timeout, err)
			}
			c.warn("%s", oneLine(err.Error()))
			status = 1
		}
		for _, m := range res.Models {
			if m.Failures > 0 {
				c.warn("%s: %d samples failed (null in the output); first: %s", m.Name, m.Failures, oneLine(fmt.Sprint(m.Err)))
			}
		}
		c.warn("done: %d HVPs (%.1fs), %d D³ contractions (%.1fs); GD+sharpness %.1fs, central %.1fs, stable %.1fs, predictors %.1fs",
			res.HVPs, res.HVPTime.Seconds(), res.D3, res.D3Time.Seconds(), res.GDTime.Seconds(), res.CentralTime.Seconds(),
			res.StableTime.Seconds(), res.PredictorTime.Seconds())
		var werr error
		if *format == "csv" {
			werr = writeEOSCSV(c, res)
		} else {
			werr = writeJSON(c.stdout, toEOSJSON(res))
		}
		if werr != nil {
			return c.exitFor(werr)
		}
		return status
	}
}

func toEOSJSON(r *eos.Result) eosJSON {
	out := eosJSON{Problem: r.Problem, LR: jsonNum(r.LR), Steps: r.Steps,
		Sharpness: []eosSharpJSON{}, Loss: []eosLossJSON{}, Models: []eosModelJSON{}}
	if r.OnsetStep >= 0 {
		o := r.OnsetStep
		out.OnsetStep = &o
	}
	for _, s := range r.Sharpness {
		out.Sharpness = append(out.Sharpness, eosSharpJSON{s.Step, jsonNum(s.Value)})
	}
	for _, l := range r.Loss {
		out.Loss = append(out.Loss, eosLossJSON{l.Step, jsonNum(l.GD), jsonNum(l.GDAvg), jsonNum(l.CentralPred)})
	}
	for _, m := range r.Models {
		mj := eosModelJSON{Name: m.Name, Kind: m.Kind, Mean: jsonNum(m.MeanAfterOnset), Distance: []eosPointJSON{}}
		for _, d := range m.Distance {
			mj.Distance = append(mj.Distance, eosPointJSON{d.Step, jsonNum(d.Value)})
		}
		out.Models = append(out.Models, mj)
	}
	return out
}

// writeEOSCSV writes the result in long form: series,name,step,value with
// series ∈ sharpness, central_sharpness, loss_gd, loss_gd_avg,
// central_pred, distance (name is the model for distance rows), plus one
// onset_step row and one mean_distance_after_onset row per model.
func writeEOSCSV(c *cli, r *eos.Result) error {
	var rows [][]string
	num := func(x float64) string {
		if x != x || x > 1e308 || x < -1e308 {
			return "NA"
		}
		return fmtFloat(x)
	}
	add := func(series, name string, step int, v float64) {
		rows = append(rows, []string{series, name, fmt.Sprint(step), num(v)})
	}
	onset := "NA"
	if r.OnsetStep >= 0 {
		onset = fmt.Sprint(r.OnsetStep)
	}
	rows = append(rows, []string{"onset_step", r.Problem, "", onset})
	for _, s := range r.Sharpness {
		add("sharpness", "gd", s.Step, s.Value)
	}
	for _, s := range r.CentralSharpness {
		add("central_sharpness", "central", s.Step, s.Value)
	}
	for _, l := range r.Loss {
		add("loss_gd", "gd", l.Step, l.GD)
		add("loss_gd_avg", "gd", l.Step, l.GDAvg)
		add("central_pred", "central", l.Step, l.CentralPred)
	}
	for _, m := range r.Models {
		rows = append(rows, []string{"mean_distance_after_onset", m.Name, "", num(m.MeanAfterOnset)})
		for _, d := range m.Distance {
			add("distance", m.Name, d.Step, d.Value)
		}
	}
	return writeCSV(c.stdout, []string{"series", "name", "step", "value"}, rows)
}
