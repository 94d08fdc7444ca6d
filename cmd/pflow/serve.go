package main

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"math"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pflow-go/pflow/problems"
)

func init() {
	register("serve", command{
		summary:  "the interactive explorer in the browser and the JSON API (GET /api/trajectory, /api/stability, /api/sweep)",
		synopsis: "[-addr 127.0.0.1:8080] [-timeout D]",
		define:   defineServe,
	})
}

// webFiles is the explorer page: plain HTML, CSS and JavaScript, no build
// step and nothing fetched from the network.
//
//go:embed web
var webFiles embed.FS

// Limits of the server. Every request is bounded in size by these and in
// time by serveConfig.timeout; the CLI has its own, looser limits.
const (
	serveMaxQuery     = 8192    // bytes of the query string
	serveMaxSpec      = 2000    // bytes of a problem spec (expressions)
	serveMaxParam     = 5000    // integer parameters of catalogue specs (sizes), seeds excepted
	serveMaxDim       = 2500    // problem dimension
	serveMaxSteps     = 10_000  // GD steps of trajectory and sweep
	serveMaxNumbers   = 1000000 // (steps+1)·dimension of a trajectory
	serveMaxIntegSt   = 200_000 // integrator step budget (-maxsteps)
	serveMaxRates     = 1000    // learning rates of a sweep
	serveMaxSweepWork = 1e8     // steps·rates·dimension of a sweep
	serveMaxGrid      = 201     // landscape grid points per axis
	serveDefaultGrid  = 101
	serveMaxHeaderLen = 1 << 14
)

func defineServe(fs *flag.FlagSet) func(c *cli) int {
	addr := fs.String("addr", "127.0.0.1:8080", "listen address `HOST:PORT` (localhost unless told otherwise)")
	timeout := fs.Duration("timeout", 30*time.Second, "limit `D` on one computation (the request answers 503 after it)")
	return func(c *cli) int {
		if *timeout <= 0 {
			return c.fail("-timeout must be positive")
		}
		ln, err := net.Listen("tcp", *addr)
		if err != nil {
			return c.fail("%v", err)
		}
		srv := newHTTPServer(newServer(serveConfig{timeout: *timeout}), *timeout)
		if a, ok := ln.Addr().(*net.TCPAddr); ok && !a.IP.IsLoopback() {
			c.warn("listening on %s, reachable from other machines: the API has no authentication", ln.Addr())
		}
		fmt.Fprintf(c.stderr, "pflow serve: the explorer is at http://%s/ (Ctrl-C stops)\n", ln.Addr())
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			c.warn("%v", err)
			return 1
		}
		return 0
	}
}

// newHTTPServer wraps h with the connection-level limits: header size and
// read and write deadlines.
func newHTTPServer(h http.Handler, timeout time.Duration) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       20 * time.Second,
		WriteTimeout:      timeout + 30*time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    serveMaxHeaderLen,
	}
}

// serveConfig configures newServer; zero fields take defaults.
type serveConfig struct {
	timeout    time.Duration // per computation (default 30 s)
	concurrent int           // computations at once (default max(2, GOMAXPROCS))
}

// server answers the explorer's requests. It is safe for concurrent use:
// every computation runs the command-line code on its own buffers, at
// most cfg.concurrent at once.
type server struct {
	cfg serveConfig
	sem chan struct{}
	mux *http.ServeMux

	catOnce sync.Once
	cat     []byte // the /api/problems document
}

func newServer(cfg serveConfig) *server {
	if cfg.timeout <= 0 {
		cfg.timeout = 30 * time.Second
	}
	if cfg.concurrent <= 0 {
		cfg.concurrent = max(2, runtime.GOMAXPROCS(0))
	}
	s := &server{cfg: cfg, sem: make(chan struct{}, cfg.concurrent), mux: http.NewServeMux()}
	web, err := fs.Sub(webFiles, "web")
	if err != nil {
		panic("pflow: embedded web files: " + err.Error())
	}
	s.mux.Handle("/", http.FileServer(http.FS(web)))
	// Flags left out: -plot writes a file on the server; -json and -v
	// choose other outputs than the JSON document; -workers is the
	// server's business (the default, GOMAXPROCS: the body does not depend
	// on it).
	s.mux.HandleFunc("/api/trajectory", s.command("trajectory", []string{"plot", "workers"}, nil))
	s.mux.HandleFunc("/api/stability", s.command("stability", []string{"json"}, []string{"-json"}))
	s.mux.HandleFunc("/api/sweep", s.command("sweep", []string{"json", "v", "workers"}, []string{"-json"}))
	s.mux.HandleFunc("/api/problems", s.problems)
	s.mux.HandleFunc("/api/problem", s.problem)
	s.mux.HandleFunc("/api/landscape", s.landscape)
	return s
}

// ServeHTTP checks the method and the query length, then dispatches.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		apiError(w, http.StatusMethodNotAllowed, "", fmt.Sprintf("method %s not allowed (GET or HEAD)", r.Method))
		return
	}
	if len(r.URL.RawQuery) > serveMaxQuery {
		apiError(w, http.StatusBadRequest, "query", fmt.Sprintf("query: %d bytes, at most %d", len(r.URL.RawQuery), serveMaxQuery))
		return
	}
	s.mux.ServeHTTP(w, r)
}

// apiError writes {"error": msg} (and "field" when known) with status code.
func apiError(w http.ResponseWriter, code int, field, msg string) {
	doc := struct {
		Error string `json:"error"`
		Field string `json:"field,omitempty"`
	}{msg, field}
	var b bytes.Buffer
	writeJSON(&b, doc)
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	w.Write(b.Bytes())
}

// query parses the query string, allowing only the names in allowed, each
// at most once.
func query(r *http.Request, allowed []string) (map[string]string, error) {
	vals, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, fmt.Errorf("query: %v", err)
	}
	q := map[string]string{}
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range vals {
			if !yield(k) {
				return
			}
		}
	}) {
		if !slices.Contains(allowed, k) {
			return nil, &fieldError{k, fmt.Sprintf("unknown parameter %q (known: %s)", clip(k, 40), strings.Join(allowed, ", "))}
		}
		if len(vals[k]) != 1 {
			return nil, &fieldError{k, fmt.Sprintf("%s: given %d times", k, len(vals[k]))}
		}
		q[k] = vals[k][0]
	}
	return q, nil
}

// fieldError is a bad query parameter.
type fieldError struct{ field, msg string }

func (e *fieldError) Error() string { return e.msg }

func badRequest(w http.ResponseWriter, err error) {
	field := ""
	var fe *fieldError
	if errors.As(err, &fe) {
		field = fe.field
	}
	apiError(w, http.StatusBadRequest, field, err.Error())
}

// clip shortens s to n bytes for messages that quote user input.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// catalogueInt matches a catalogue parameter "key=123".
var catalogueInt = regexp.MustCompile(`^\s*(\w+)\s*=\s*([+-]?\d+)\s*$`)

// resolveProblem builds the problem of spec through the resolver of the
// CLI's loadProblem (problems.ByName, which takes catalogue specs and
// "expr:…" expressions), after checking the server's size limits: the spec's
// length and, for catalogue specs, integer parameters (sizes) at most
// serveMaxParam, so that no request makes the server allocate a huge
// problem; then the dimension.
func resolveProblem(spec string) (*problems.Problem, error) {
	if spec == "" {
		return nil, &fieldError{"problem", "problem: required"}
	}
	if len(spec) > serveMaxSpec {
		return nil, &fieldError{"problem", fmt.Sprintf("problem: %d bytes, at most %d", len(spec), serveMaxSpec)}
	}
	if !strings.HasPrefix(strings.TrimSpace(spec), "expr:") {
		if _, params, ok := strings.Cut(spec, ":"); ok {
			for _, kv := range strings.Split(params, ",") {
				m := catalogueInt.FindStringSubmatch(kv)
				if m == nil || m[1] == "seed" {
					continue
				}
				if n, err := strconv.Atoi(m[2]); err != nil || n > serveMaxParam {
					return nil, &fieldError{"problem", fmt.Sprintf("problem: %s=%s is above the server's limit %d", m[1], clip(m[2], 20), serveMaxParam)}
				}
			}
		}
	}
	p, err := problems.ByName(spec)
	if err != nil {
		return nil, &fieldError{"problem", "problem: " + oneLine(err.Error())}
	}
	if p.Dim > serveMaxDim {
		return nil, &fieldError{"problem", fmt.Sprintf("problem: dimension %d, the server allows at most %d", p.Dim, serveMaxDim)}
	}
	return p, nil
}

// flagNames returns the flag names of subcommand name, except those in
// exclude; nil when there is no such subcommand.
func flagNames(name string, exclude []string) []string {
	c, ok := commands[name]
	if !ok {
		return nil
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	c.define(fs)
	var names []string
	fs.VisitAll(func(f *flag.Flag) {
		if !slices.Contains(exclude, f.Name) {
			names = append(names, f.Name)
		}
	})
	return names
}

// command serves subcommand name as GET /api/NAME: the query parameters
// are its flags (except those in exclude), fixed are appended, and the
// response is exactly what the command prints on stdout. Bad input (exit
// status 2) is 400 {"error"}, naming the field; numerical trouble with
// output (exit 1) is 200 with the partial document and the header
// Pflow-Exit-Status: 1; without output it is 422 {"error"}. The command's
// messages on stderr come in the header Pflow-Warnings, a JSON array of
// strings in ASCII.
func (s *server) command(name string, exclude, fixed []string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		allowed := flagNames(name, exclude)
		if allowed == nil {
			apiError(w, http.StatusNotImplemented, "", name+" not available")
			return
		}
		q, err := query(r, allowed)
		if err != nil {
			badRequest(w, err)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), s.cfg.timeout)
		defer cancel()
		// The slot is taken before checkSizes, which builds the problem
		// (a random-basis quadratic of dimension 1000 costs about a second).
		if !s.acquire(ctx) {
			apiError(w, http.StatusServiceUnavailable, "", "the server is busy: no computation slot within the time limit")
			return
		}
		if err := checkSizes(name, q); err != nil {
			s.release()
			badRequest(w, err)
			return
		}
		args := []string{name}
		for _, k := range slices.Sorted(mapKeys(q)) {
			args = append(args, "-"+k+"="+q[k])
		}
		args = append(args, fixed...)
		stdout, msgs, code, err := runBounded(ctx, args)
		s.release()
		if err != nil {
			s.runFailed(w, err)
			return
		}
		if code == 2 || (code != 0 && len(stdout) == 0) {
			msg := strings.Join(msgs, "; ")
			if msg == "" {
				msg = fmt.Sprintf("%s failed with exit status %d", name, code)
			}
			status := http.StatusBadRequest
			if code != 2 {
				status = http.StatusUnprocessableEntity
			}
			field := fieldOf(msg, allowed)
			if field != "" && !strings.Contains(msg, "-"+field) && !strings.HasPrefix(msg, field+":") {
				msg = field + ": " + msg
			}
			apiError(w, status, field, msg)
			return
		}
		h := w.Header()
		if q["format"] == "csv" {
			h.Set("Content-Type", "text/csv; charset=utf-8")
		} else {
			h.Set("Content-Type", "application/json")
		}
		h.Set("Cache-Control", "no-store")
		h.Set("Pflow-Exit-Status", strconv.Itoa(code))
		if len(msgs) > 0 {
			b, _ := json.Marshal(msgs)
			h.Set("Pflow-Warnings", asciiJSON(string(b)))
		}
		w.Write(stdout)
	}
}

func mapKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// asciiJSON escapes the non-ASCII runes of a JSON text as \uXXXX, so that
// it can travel in an HTTP header.
func asciiJSON(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04x`, r)
		case r < 0x80:
			b.WriteRune(r)
		case r > 0xffff:
			r -= 0x10000
			fmt.Fprintf(&b, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	return b.String()
}

// checkSizes applies the server's limits to the parameters that set the
// amount of work of command name: the problem (spec length, sizes,
// dimension), steps, maxsteps, (steps+1)·dimension·flows of a trajectory,
// the number of rates and steps·rates of a sweep.
func checkSizes(name string, q map[string]string) error {
	var p *problems.Problem
	if spec, ok := q["problem"]; ok {
		var err error
		if p, err = resolveProblem(spec); err != nil {
			return err
		}
	}
	runs := 1
	if name == "trajectory" {
		runs = max(1, strings.Count(q["flow"], ",")+1)
	}
	if name == "sweep" {
		if rates, err := parseRates(q["lr"]); err == nil {
			if len(rates) > serveMaxRates {
				return &fieldError{"lr", fmt.Sprintf("lr: %d rates, the server allows at most %d", len(rates), serveMaxRates)}
			}
			runs = len(rates)
		}
	}
	if v, ok := q["steps"]; ok {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err == nil && n > serveMaxSteps {
			return &fieldError{"steps", fmt.Sprintf("steps: %d is above the server's limit %d (the command line has no such limit)", n, serveMaxSteps)}
		}
		if err == nil && p != nil && name == "sweep" && float64(n)*float64(p.Dim)*float64(runs) > serveMaxSweepWork {
			return &fieldError{"steps", fmt.Sprintf("steps: %d steps × %d rates × dimension %d exceed the server's %g", n, runs, p.Dim, float64(serveMaxSweepWork))}
		}
		if err == nil && p != nil && name == "trajectory" && float64(n+1)*float64(p.Dim)*float64(runs) > serveMaxNumbers {
			return &fieldError{"steps", fmt.Sprintf("steps: %d steps of a %d-dimensional problem, %d runs, exceed the server's %d numbers", n, p.Dim, runs, serveMaxNumbers)}
		}
	}
	if v, ok := q["maxsteps"]; ok {
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n > serveMaxIntegSt {
			return &fieldError{"maxsteps", fmt.Sprintf("maxsteps: %d is above the server's limit %d", n, serveMaxIntegSt)}
		}
	}
	return nil
}

// flagMention finds "-name" in a command's message.
var flagMention = regexp.MustCompile(`(?:^|[\s"(])-([a-z0-9]+)\b`)

// fieldOf returns the parameter a command's error message is about: the
// first flag it mentions as -name, else the first known name it contains
// as a word ("unknown flow …").
func fieldOf(msg string, known []string) string {
	for _, m := range flagMention.FindAllStringSubmatch(msg, -1) {
		if slices.Contains(known, m[1]) {
			return m[1]
		}
	}
	best, at := "", len(msg)
	for _, k := range known {
		re := regexp.MustCompile(`\b` + regexp.QuoteMeta(k) + `\b`)
		if loc := re.FindStringIndex(msg); loc != nil && loc[0] < at {
			best, at = k, loc[0]
		}
	}
	if best == "" {
		// Messages about the point itself ("the loss at the start point is
		// +Inf", "gradient not finite at the point") are about x0.
		if strings.Contains(msg, "point") && slices.Contains(known, "x0") {
			return "x0"
		}
	}
	return best
}

func (s *server) acquire(ctx context.Context) bool {
	select {
	case s.sem <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

func (s *server) release() { <-s.sem }

// runFailed answers a computation stopped by its context or by a panic.
func (s *server) runFailed(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		apiError(w, http.StatusServiceUnavailable, "", fmt.Sprintf("the computation took longer than the server's limit of %v: take fewer steps or a smaller problem, or use the command line", s.cfg.timeout))
	case errors.Is(err, context.Canceled):
		apiError(w, http.StatusServiceUnavailable, "", "request canceled")
	default:
		apiError(w, http.StatusInternalServerError, "", err.Error())
	}
}

// serveStderr collects a command's stderr and carries the request's
// context to its progress checkpoints (progress.go).
type serveStderr struct {
	ctx context.Context
	mu  sync.Mutex
	buf bytes.Buffer
}

func (e *serveStderr) runContext() context.Context { return e.ctx }

func (e *serveStderr) Write(p []byte) (int, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.buf.Write(p)
}

// runBounded runs the command line args with the output captured; ctx
// stops it at the next progress checkpoint. It returns stdout, the stderr
// lines without their "pflow NAME: " prefix, and the exit status; err is
// the context's error when the run was stopped, or a panic turned into an
// error.
func runBounded(ctx context.Context, args []string) (stdout []byte, msgs []string, code int, err error) {
	var out bytes.Buffer
	errOut := &serveStderr{ctx: ctx}
	defer func() {
		if r := recover(); r != nil {
			if c, ok := r.(canceledRun); ok {
				err = c.err
				return
			}
			buf := make([]byte, 8<<10)
			buf = buf[:runtime.Stack(buf, false)]
			log.Printf("pflow serve: panic in %q: %v\n%s", args, r, buf)
			err = fmt.Errorf("internal error in %s: %v", args[0], r)
		}
	}()
	code = run(args, &out, errOut)
	if ctx.Err() != nil && code != 0 {
		return nil, nil, code, ctx.Err()
	}
	prefix := "pflow " + args[0] + ": "
	for _, l := range strings.Split(strings.TrimSpace(errOut.buf.String()), "\n") {
		if l = strings.TrimPrefix(strings.TrimSpace(l), prefix); l != "" {
			msgs = append(msgs, l)
		}
	}
	return out.Bytes(), msgs, code, nil
}

// problemDoc is the GET /api/problem document, what the page needs to
// draw a problem: dimension, start point, stationary points.
type problemDoc struct {
	Problem     string    `json:"problem"`
	Dim         int       `json:"dim"`
	X0          jsonVec   `json:"x0"`
	Description string    `json:"description"`
	Source      string    `json:"source"`
	Holomorphic bool      `json:"holomorphic"`
	Minima      []jsonVec `json:"minima"`
	Saddles     []jsonVec `json:"saddles"`
	Maxima      []jsonVec `json:"maxima"`
}

func pointsOf(ps []problems.Point) []jsonVec {
	out := make([]jsonVec, 0, len(ps))
	for _, p := range ps {
		out = append(out, p.X)
	}
	return out
}

func docOf(p *problems.Problem) problemDoc {
	return problemDoc{Problem: p.Name, Dim: p.Dim, X0: p.Start(), Description: p.Description, Source: p.Source,
		Holomorphic: p.Complex != nil, Minima: pointsOf(p.Minima), Saddles: pointsOf(p.Saddles), Maxima: pointsOf(p.Maxima)}
}

func writeDoc(w http.ResponseWriter, doc any) {
	var b bytes.Buffer
	if err := writeJSON(&b, doc); err != nil {
		apiError(w, http.StatusInternalServerError, "", err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(b.Bytes())
}

// problem serves GET /api/problem?problem=P.
func (s *server) problem(w http.ResponseWriter, r *http.Request) {
	q, err := query(r, []string{"problem"})
	if err != nil {
		badRequest(w, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.timeout)
	defer cancel()
	if !s.acquire(ctx) {
		apiError(w, http.StatusServiceUnavailable, "", "the server is busy: no computation slot within the time limit")
		return
	}
	p, err := resolveProblem(q["problem"])
	s.release()
	if err != nil {
		badRequest(w, err)
		return
	}
	writeDoc(w, docOf(p))
}

// problems serves GET /api/problems: the catalogue with default
// parameters, {"problems":[{"spec","dim","x0","description"}]}.
func (s *server) problems(w http.ResponseWriter, r *http.Request) {
	if _, err := query(r, nil); err != nil {
		badRequest(w, err)
		return
	}
	s.catOnce.Do(func() {
		type entry struct {
			Spec        string  `json:"spec"`
			Dim         int     `json:"dim"`
			X0          jsonVec `json:"x0"`
			Description string  `json:"description"`
		}
		var list []entry
		for _, n := range problems.Names() {
			p, err := problems.ByName(n)
			if err != nil || p.Dim > serveMaxDim {
				continue
			}
			list = append(list, entry{n, p.Dim, p.Start(), p.Description})
		}
		var b bytes.Buffer
		writeJSON(&b, struct {
			Problems []entry `json:"problems"`
		}{list})
		s.cat = b.Bytes()
	})
	w.Header().Set("Content-Type", "application/json")
	w.Write(s.cat)
}

// landscapeDoc is the GET /api/landscape document: the loss on a grid
// (1-D: loss[i] at x[i]; 2-D: loss[j][i] at (x[i], y[j])), null where it
// is not finite.
type landscapeDoc struct {
	Problem string    `json:"problem"`
	Dim     int       `json:"dim"`
	X       jsonVec   `json:"x"`
	Y       jsonVec   `json:"y,omitempty"`
	Loss    []jsonVec `json:"loss"`
}

// landscape serves GET /api/landscape?problem=P&xmin=&xmax=[&ymin=&ymax=][&n=].
func (s *server) landscape(w http.ResponseWriter, r *http.Request) {
	q, err := query(r, []string{"problem", "xmin", "xmax", "ymin", "ymax", "n"})
	if err != nil {
		badRequest(w, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.timeout)
	defer cancel()
	if !s.acquire(ctx) {
		apiError(w, http.StatusServiceUnavailable, "", "the server is busy: no computation slot within the time limit")
		return
	}
	defer s.release()
	p, err := resolveProblem(q["problem"])
	if err != nil {
		badRequest(w, err)
		return
	}
	if p.Dim > 2 {
		badRequest(w, &fieldError{"problem", fmt.Sprintf("problem: the landscape needs dimension 1 or 2, %s has %d", p.Name, p.Dim)})
		return
	}
	n := serveDefaultGrid
	if v, ok := q["n"]; ok {
		if n, err = strconv.Atoi(v); err != nil || n < 2 || n > serveMaxGrid {
			badRequest(w, &fieldError{"n", fmt.Sprintf("n: want an integer in [2, %d]", serveMaxGrid)})
			return
		}
	}
	axis := func(lo, hi string) (jsonVec, error) {
		a, err1 := parseFinite(q[lo])
		b, err2 := parseFinite(q[hi])
		if err1 != nil {
			return nil, &fieldError{lo, lo + ": " + err1.Error()}
		}
		if err2 != nil {
			return nil, &fieldError{hi, hi + ": " + err2.Error()}
		}
		if !(a < b) || math.IsInf(b-a, 0) {
			return nil, &fieldError{hi, fmt.Sprintf("%s: want %s < %s (a finite span)", hi, lo, hi)}
		}
		x := make(jsonVec, n)
		for i := range x {
			x[i] = a + (b-a)*float64(i)/float64(n-1)
		}
		return x, nil
	}
	doc := landscapeDoc{Problem: p.Name, Dim: p.Dim}
	if doc.X, err = axis("xmin", "xmax"); err != nil {
		badRequest(w, err)
		return
	}
	if p.Dim == 2 {
		if doc.Y, err = axis("ymin", "ymax"); err != nil {
			badRequest(w, err)
			return
		}
	} else if _, ok := q["ymin"]; ok {
		badRequest(w, &fieldError{"ymin", "ymin: a 1-D problem has no y axis"})
		return
	}
	err = func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("internal error evaluating %s: %v", p.Name, r)
			}
		}()
		if p.Dim == 1 {
			row := make(jsonVec, n)
			for i, x := range doc.X {
				row[i] = p.Real.Func([]float64{x})
			}
			doc.Loss = []jsonVec{row}
			return nil
		}
		doc.Loss = make([]jsonVec, n)
		for j, y := range doc.Y {
			if err := ctx.Err(); err != nil {
				return err
			}
			row := make(jsonVec, n)
			for i, x := range doc.X {
				row[i] = p.Real.Func([]float64{x, y})
			}
			doc.Loss[j] = row
		}
		return nil
	}()
	if err != nil {
		s.runFailed(w, err)
		return
	}
	writeDoc(w, doc)
}

// parseFinite parses a finite number.
func parseFinite(s string) (float64, error) {
	if s == "" {
		return 0, errors.New("required")
	}
	x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, fmt.Errorf("%q is not a finite number", clip(s, 40))
	}
	return x, nil
}
