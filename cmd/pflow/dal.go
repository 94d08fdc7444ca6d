package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"github.com/pflow-go/pflow/figures"
	"math"
	"strconv"
	"strings"

	"github.com/pflow-go/pflow/internal/par"
	"github.com/pflow-go/pflow/problems"
	"github.com/pflow-go/pflow/stability"
)

func init() {
	register("dal", command{
		summary:  "DAL-p and plain GD on MNIST with a held-out test split: stability against test performance (JSON or CSV)",
		synopsis: "-problem mnist:…,test=M -lr H -p list -steps N [-gd-lr list] [-every K] [-data DIR] [-format json|csv] [-workers N]",
		define:   defineDAL,
	})
}

type dalRowJSON struct {
	Method        string  `json:"method"`
	P             jsonNum `json:"p"`
	LR            jsonNum `json:"lr"`
	Spikes        int     `json:"spikes"`
	MaxLossRatio  jsonNum `json:"max_loss_ratio"`
	FinalLoss     jsonNum `json:"final_train_loss"`
	TrainAccuracy jsonNum `json:"train_accuracy"`
	TestLoss      jsonNum `json:"test_loss"`
	TestAccuracy  jsonNum `json:"test_accuracy"`
	MaxLambdaH    jsonNum `json:"max_lambda0_h"`
	MeanLambdaH   jsonNum `json:"mean_lambda0_h"`
	MeanRate      jsonNum `json:"mean_rate"`
	Diverged      bool    `json:"diverged"`
}

type dalJSON struct {
	Problem string       `json:"problem"`
	Steps   int          `json:"steps"`
	Rows    []dalRowJSON `json:"rows"`
}

func parseFloats(s string) ([]float64, error) {
	var out []float64
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return nil, fmt.Errorf("%q is not a non-negative finite number", f)
		}
		out = append(out, v)
	}
	return out, nil
}

func defineDAL(fs *flag.FlagSet) func(c *cli) int {
	problem := fs.String("problem", "mnist:test=1000", "an `mnist` problem spec with a test split (test=M > 0)")
	lr := positiveFlag(fs, "lr", "static rate `H` of DAL-p (p = 0 is plain GD at H; required)", 0)
	plist := fs.String("p", "0,0.5,1,1.5,2", "DAL powers `p,…`")
	gdlr := fs.String("gd-lr", "", "extra plain-GD rates `h,…` (default none)")
	steps := intFlag(fs, "steps", "GD steps `N` (required)", 0, 1, 1<<24)
	every := intFlag(fs, "every", "analyse λ₀ every `K` steps", 10, 1, 1<<24)
	data := fs.String("data", "", "directory `DIR` with the four MNIST IDX .gz files (default: the module cache)")
	format := choiceFlag(fs, "format", "output format", "json", "json", "csv")
	workers := workersFlag(fs, "runs (powers and GD rates)")
	plot := fs.String("plot", "", "also draw the runs (training loss and λ₀·h against the step, test metrics in the legend) to `FILE`.png or .svg")
	return func(c *cli) int {
		if *plot != "" {
			if err := plotExt(*plot); err != nil {
				return c.fail("%v", err)
			}
		}
		if *lr == 0 {
			return c.fail("-lr is required")
		}
		if *steps == 0 {
			return c.fail("-steps is required")
		}
		ps, err := parseFloats(*plist)
		if err != nil {
			return c.fail("-p: %v", err)
		}
		var gds []float64
		if *gdlr != "" {
			if gds, err = parseFloats(*gdlr); err != nil {
				return c.fail("-gd-lr: %v", err)
			}
			for _, h := range gds {
				if h == 0 {
					return c.fail("-gd-lr: rates must be positive")
				}
			}
		}
		if *data != "" {
			problems.MNISTDataDir = *data
		}
		m, err := problems.MNISTByName(*problem)
		if err != nil {
			if errorsIsNoData(err) {
				return c.exitFor(err)
			}
			return c.fail("%v", err)
		}
		if m.Test == nil {
			return c.fail("-problem needs a test split (test=M with M > 0)")
		}
		pr := newProgress(c.stderr, "pflow dal: ")
		train := watchProblem(m.Train, pr)
		out := dalJSON{Problem: m.Train.Name, Steps: *steps}
		var series []figures.DALSeries
		row := func(method string, r stability.DALRun, rate float64) {
			th := r.Trajectory.Final
			lab := fmt.Sprintf("DAL p = %g", r.P)
			if method == "gd" {
				lab = fmt.Sprintf("GD h = %g", rate)
			}
			ds := figures.DALSeries{Label: lab, Spikes: r.Spikes, TestLoss: m.Test.Real.Func(th), TestAccuracy: m.TestAccuracy(th), Diverged: r.Diverged}
			for _, sm := range r.Trajectory.Samples {
				ds.Steps = append(ds.Steps, sm.Step)
				ds.Loss = append(ds.Loss, sm.Loss)
				ds.LambdaH = append(ds.LambdaH, sm.Sharpness*sm.Rate)
			}
			series = append(series, ds)
			mean := 0.0
			for _, s := range r.Trajectory.Samples {
				mean += s.Sharpness * s.Rate
			}
			if len(r.Trajectory.Samples) > 0 {
				mean /= float64(len(r.Trajectory.Samples))
			}
			out.Rows = append(out.Rows, dalRowJSON{Method: method, P: jsonNum(r.P), LR: jsonNum(rate), Spikes: r.Spikes,
				MaxLossRatio: jsonNum(r.MaxLossRatio), FinalLoss: jsonNum(r.FinalLoss),
				TrainAccuracy: jsonNum(m.TrainAccuracy(th)),
				TestLoss:      jsonNum(m.Test.Real.Func(th)), TestAccuracy: jsonNum(m.TestAccuracy(th)),
				MaxLambdaH: jsonNum(r.MaxSharpnessRate), MeanLambdaH: jsonNum(mean), MeanRate: jsonNum(r.MeanRate), Diverged: r.Diverged})
		}
		// The runs (one per power at -lr, one per extra GD rate) are
		// independent: -workers of them at once, rows in this order.
		type dalJob struct {
			p, rate float64
			method  string
		}
		var jobs []dalJob
		for _, pw := range ps {
			method := "dal"
			if pw == 0 {
				method = "gd"
			}
			jobs = append(jobs, dalJob{pw, *lr, method})
		}
		for _, h := range gds {
			jobs = append(jobs, dalJob{0, h, "gd"})
		}
		set := &stability.TrackSettings{Steps: *steps, Every: *every, Workers: 1}
		runs, _, err := par.Map(context.Background(), len(jobs), *workers, func(_ context.Context, i int) (stability.DALRun, error) {
			r, err := stability.SweepDAL(train, jobs[i].rate, m.Train.Start(), []float64{jobs[i].p}, stability.DAL{}, set)
			if err != nil {
				return stability.DALRun{}, err
			}
			return r[0], nil
		}, nil)
		if err != nil {
			return c.exitFor(err, stability.ErrInvalidInput)
		}
		for i, r := range runs {
			row(jobs[i].method, r, jobs[i].rate)
		}
		if *plot != "" {
			res, err := figures.DALFigure(fmt.Sprintf("DAL-p and GD on %s, %d steps", m.Train.Name, *steps), series)
			if err == nil {
				err = writeFigure(*plot, res)
			}
			if err != nil {
				c.warn("-plot: %v", err)
				return 1
			}
		}
		if *format == "csv" {
			var rows [][]string
			for _, r := range out.Rows {
				f := func(x jsonNum) string {
					if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
						return "NA"
					}
					return fmtFloat(float64(x))
				}
				rows = append(rows, []string{r.Method, f(r.P), f(r.LR), fmt.Sprint(r.Spikes), f(r.MaxLossRatio), f(r.FinalLoss),
					f(r.TrainAccuracy), f(r.TestLoss), f(r.TestAccuracy), f(r.MaxLambdaH), f(r.MeanLambdaH), f(r.MeanRate), fmt.Sprint(r.Diverged)})
			}
			if err := writeCSV(c.stdout, []string{"method", "p", "lr", "spikes", "max_loss_ratio", "final_train_loss", "train_accuracy",
				"test_loss", "test_accuracy", "max_lambda0_h", "mean_lambda0_h", "mean_rate", "diverged"}, rows); err != nil {
				return c.exitFor(err)
			}
			return 0
		}
		if err := writeJSON(c.stdout, out); err != nil {
			return c.exitFor(err)
		}
		return 0
	}
}

func errorsIsNoData(err error) bool { return errors.Is(err, problems.ErrNoData) }
