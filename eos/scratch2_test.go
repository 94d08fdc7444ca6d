package eos

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/pflow-go/pflow/problems"
)

func TestScratchRun(t *testing.T) {
	p, err := problems.ByName(os.Getenv("SPEC"))
	if err != nil { t.Fatal(err) }
	eta, _ := strconv.ParseFloat(os.Getenv("ETA"), 64)
	steps, _ := strconv.Atoi(os.Getenv("STEPS"))
	k, _ := strconv.Atoi(os.Getenv("EIGS"))
	t0 := time.Now()
	res, err := Run(context.Background(), Config{Problem: p, LR: eta, Steps: steps, Models: []string{"gf", "central"}, Every: 10, Central: CentralSettings{Eigs: k}})
	fmt.Println(time.Since(t0), err, res.OnsetStep, res.HVPs, res.D3, res.GDTime, res.CentralTime, res.HVPTime, res.D3Time)
	for _, m := range res.Models { fmt.Println(m.Name, m.MeanAfterOnset, m.MeanBeforeOnset, m.Failures, m.Err) }
}
