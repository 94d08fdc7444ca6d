package figures_test

import (
	"fmt"
	"log"
	"math"
	"math/cmplx"
	"os"

	"github.com/pflow-go/pflow/figures"
	"github.com/pflow-go/pflow/problems"
)

// The principal flow is exact on a quadratic: its state at t = n·h is the
// n-th GD iterate, here at h = 0.9 where it is complex between the steps.
func ExampleNewTrajectories() {
	p, err := problems.ByName("quadratic2d")
	if err != nil {
		log.Fatal(err)
	}
	tr, err := figures.NewTrajectories(p, 0.9, 3, 4, nil, []figures.FlowSpec{{Name: "pf"}})
	if err != nil {
		log.Fatal(err)
	}
	pf := tr.Curves[0]
	for n := 0; n <= 3; n++ {
		z := pf.AtStep(n)
		d := cmplx.Abs(z[0]-complex(tr.GD[n][0], 0)) + cmplx.Abs(z[1]-complex(tr.GD[n][1], 0))
		fmt.Printf("n=%d GD θ₁ = %+.4f, PF within 1e-12 of GD: %v\n", n, tr.GD[n][0], d < 1e-12)
	}
	// Half-way between θ₀ and θ₁ the PF is (1 − hλ)^(1/2)θ₀ = ±0.894i·θ₀
	// along θ₁: purely imaginary.
	mid := pf.Theta[2] // t = h/2
	fmt.Printf("PF at t = h/2: Im θ₁ = %+.4f, |Re θ₁| < 1e-12: %v\n", imag(mid[0]), math.Abs(real(mid[0])) < 1e-12)
	// Output:
	// n=0 GD θ₁ = -0.3500, PF within 1e-12 of GD: true
	// n=1 GD θ₁ = +0.2800, PF within 1e-12 of GD: true
	// n=2 GD θ₁ = -0.2240, PF within 1e-12 of GD: true
	// n=3 GD θ₁ = +0.1792, PF within 1e-12 of GD: true
	// PF at t = h/2: Im θ₁ = -0.3130, |Re θ₁| < 1e-12: true
}

// WriteAll writes NAME.png, NAME.svg and NAME.csv for each figure asked for.
func ExampleWriteAll() {
	dir, err := os.MkdirTemp("", "figs")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := figures.WriteAll(dir, []string{"stability-coefficient"}, nil); err != nil {
		log.Fatal(err)
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		fmt.Println(e.Name())
	}
	// Output:
	// stability-coefficient.csv
	// stability-coefficient.png
	// stability-coefficient.svg
}

// Lookup returns a figure by its stable name; an unknown name is an error.
func ExampleLookup() {
	f, err := figures.Lookup("bifurcation")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(f.Title)
	_, err = figures.Lookup("no-such-figure")
	fmt.Println(err != nil)
	// Output:
	// Bifurcation diagram of gradient descent on the cubic θ²/2 + θ³/3
	// true
}
