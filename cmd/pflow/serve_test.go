package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// get requests path from the test server and returns status and body.
func get(t *testing.T, srv *httptest.Server, path string) (int, string, http.Header) {
	t.Helper()
	resp, err := srv.Client().Get(srv.URL + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: reading: %v", path, err)
	}
	return resp.StatusCode, string(b), resp.Header
}

// cliArgs turns an API query into the command line it stands for.
func cliArgs(cmd string, q url.Values, fixed ...string) []string {
	args := []string{cmd}
	for k, v := range q {
		args = append(args, "-"+k, v[0])
	}
	return append(args, fixed...)
}

// TestServeMatchesCLI checks that the API returns, byte for byte, what the
// command line prints for the same flags.
func TestServeMatchesCLI(t *testing.T) {
	srv := httptest.NewServer(newServer(serveConfig{}))
	defer srv.Close()
	cases := []struct {
		endpoint string
		q        url.Values
		fixed    []string
	}{
		{"trajectory", url.Values{"problem": {"quadratic2d"}, "flow": {"pf"}, "lr": {"0.9"}, "steps": {"12"}}, nil},
		{"trajectory", url.Values{"problem": {"rosenbrock"}, "flow": {"igr"}, "lr": {"1e-3"}, "steps": {"5"}, "x0": {"-1,1.5"}}, nil},
		{"trajectory", url.Values{"problem": {"doublewell"}, "flow": {"pf+np"}, "lr": {"0.1"}, "steps": {"4"}, "format": {"csv"}}, nil},
		{"trajectory", url.Values{"problem": {"cubic"}, "flow": {"gd"}, "lr": {"0.5"}, "steps": {"3"}}, nil},
		{"trajectory", url.Values{"problem": {"quadratic2d"}, "flow": {"pf,igr"}, "lr": {"1.2"}, "steps": {"4"}}, nil},
		{"trajectory", url.Values{"problem": {"expr:(x^2-1)^2+2*y^2"}, "flow": {"pf"}, "lr": {"0.2"}, "steps": {"6"}, "x0": {"0.8,0.6"}}, nil},
		{"stability", url.Values{"problem": {"expr:(x^2-1)^2+2*y^2"}, "lr": {"0.2"}, "x0": {"0.8,0.6"}}, []string{"-json"}},
		{"sweep", url.Values{"problem": {"quadratic2d"}, "lr": {"0.5:1.1:4"}, "steps": {"200"}}, []string{"-json"}},
		{"stability", url.Values{"problem": {"himmelblau"}, "lr": {"0.02"}, "x0": {"1,1"}}, []string{"-json"}},
		{"stability", url.Values{"problem": {"quadratic2d"}, "lr": {"0.5"}}, []string{"-json"}},
	}
	for _, c := range cases {
		path := "/api/" + c.endpoint + "?" + c.q.Encode()
		code, body, h := get(t, srv, path)
		if code != 200 {
			t.Errorf("%s: status %d: %s", path, code, body)
			continue
		}
		cliCode, out, errOut := runCmd(cliArgs(c.endpoint, c.q, c.fixed...)...)
		if cliCode != 0 {
			t.Fatalf("%s: the CLI exits %d: %s", path, cliCode, errOut)
		}
		if body != out {
			t.Errorf("%s: the API's document differs from the CLI's:\nAPI:\n%s\nCLI:\n%s", path, body, out)
		}
		if h.Get("Pflow-Exit-Status") != "0" {
			t.Errorf("%s: Pflow-Exit-Status %q, want 0", path, h.Get("Pflow-Exit-Status"))
		}
		if w := h.Get("Pflow-Warnings"); w != "" {
			var msgs []string
			if err := json.Unmarshal([]byte(w), &msgs); err != nil {
				t.Errorf("%s: Pflow-Warnings is not a JSON array of strings: %v: %q", path, err, w)
			}
		}
	}
}

// TestServeBadInput sends malformed and hostile requests: each gets the
// documented status and a JSON error naming the field.
func TestServeBadInput(t *testing.T) {
	srv := httptest.NewServer(newServer(serveConfig{}))
	defer srv.Close()
	traj := "/api/trajectory?problem=quadratic2d&flow=pf&lr=0.5&steps=3"
	cases := []struct {
		path   string
		status int
		field  string // "" when the error has no field
		says   string // a substring of the message
	}{
		{traj + "&foo=1", 400, "foo", "unknown parameter"},
		{traj + "&lr=2", 400, "lr", "given 2 times"},
		{"/api/trajectory?problem=quadratic2d&flow=pf&lr=NaN&steps=3", 400, "lr", "positive finite"},
		{"/api/trajectory?problem=quadratic2d&flow=pf&lr=-1&steps=3", 400, "lr", "positive finite"},
		{"/api/trajectory?problem=quadratic2d&flow=pf&lr=1e999&steps=3", 400, "lr", "positive finite"},
		{"/api/trajectory?problem=quadratic2d&flow=pf&lr=0.5&steps=99999999999999999999", 400, "steps", "integer"},
		{"/api/trajectory?problem=quadratic2d&flow=pf&lr=0.5&steps=20000", 400, "steps", "server's limit"},
		{"/api/trajectory?problem=quadratic2d&flow=pf&lr=0.5", 400, "steps", "required"},
		{"/api/trajectory?problem=quadratic2d&flow=nope&lr=0.5&steps=3", 400, "flow", "unknown flow"},
		{"/api/trajectory?problem=nope&flow=pf&lr=0.5&steps=3", 400, "problem", "unknown problem"},
		{"/api/trajectory?problem=mlp:hidden=100000000&flow=pf&lr=0.5&steps=3", 400, "problem", "server's limit"},
		{"/api/trajectory?problem=quadratic:d=400&flow=pf&lr=0.5&steps=3000", 400, "steps", "numbers"},
		{"/api/trajectory?problem=" + strings.Repeat("x", 3000) + "&flow=pf&lr=0.5&steps=3", 400, "problem", "at most"},
		{"/api/trajectory?problem=quadratic2d&flow=pf&lr=0.5&steps=3&x0=1,2,3", 400, "x0", "dimension"},
		{"/api/trajectory?problem=quadratic2d&flow=pf&lr=0.5&steps=3&x0=1,NaN", 400, "x0", "finite"},
		{"/api/trajectory?problem=quadratic2d&flow=pf&lr=0.5&steps=3&maxsteps=1000000000", 400, "maxsteps", "server's limit"},
		{"/api/trajectory?" + strings.Repeat("a", serveMaxQuery+1), 400, "query", "at most"},
		{"/api/trajectory?problem=%zz", 400, "", "query"},
		{"/api/stability?problem=quadratic2d&lr=0.5&json=true", 400, "json", "unknown parameter"},
		{"/api/stability?problem=quadratic2d", 400, "lr", "required"},
		{"/api/landscape?problem=quadratic2d&xmin=1&xmax=0&ymin=0&ymax=1", 400, "xmax", "xmin < xmax"},
		{"/api/landscape?problem=quadratic2d&xmin=-1e308&xmax=1e308&ymin=0&ymax=1", 400, "xmax", "finite span"},
		{"/api/landscape?problem=quadratic2d&xmin=0&xmax=1&ymin=0&ymax=1&n=100000", 400, "n", "integer"},
		{"/api/landscape?problem=quadratic:d=3&xmin=0&xmax=1", 400, "problem", "dimension 1 or 2"},
		{"/api/problem?problem=", 400, "problem", "required"},
		{"/api/stability?problem=quadratic2d&lr=1&x0=1e308,1e308", 400, "x0", "point"},
		{traj + "&plot=/tmp/x.png", 400, "plot", "unknown parameter"},
		{"/api/sweep?problem=quadratic2d&lr=0.1:1:5000&steps=10", 400, "lr", "at most 1000"},
		{"/api/sweep?problem=quadratic2d&lr=0.1:1:3&steps=10&v=true", 400, "v", "unknown parameter"},
		{"/api/sweep?problem=quadratic2d&lr=0.1:1:3&steps=10&workers=2", 400, "workers", "unknown parameter"},
		{traj + "&workers=2", 400, "workers", "unknown parameter"},
		{"/api/sweep?problem=quadratic:d=20&lr=0.1:1:1000&steps=10000", 400, "steps", "exceed"},
		{"/api/trajectory?problem=expr:(x^2-1&flow=pf&lr=0.5&steps=3&x0=1", 400, "problem", "column"},
		{"/api/trajectory?problem=expr:x^2%2By^2&flow=pf&lr=0.5&steps=3", 400, "x0", "x0"},
	}
	for _, c := range cases {
		code, body, h := get(t, srv, c.path)
		var doc struct{ Error, Field string }
		if err := json.Unmarshal([]byte(body), &doc); err != nil {
			t.Errorf("%.80s: body is not JSON: %v: %s", c.path, err, body)
			continue
		}
		if code != c.status || doc.Field != c.field || !strings.Contains(doc.Error, c.says) || h.Get("Content-Type") != "application/json" {
			t.Errorf("%.100s: status %d, field %q, error %q; want %d, %q, containing %q", c.path, code, doc.Field, doc.Error, c.status, c.field, c.says)
		}
		if c.field != "" && !strings.Contains(doc.Error, c.field) {
			t.Errorf("%.80s: the message %q does not name the field %q", c.path, doc.Error, c.field)
		}
	}
	for _, m := range []string{"POST", "PUT", "DELETE", "PATCH"} {
		req, _ := http.NewRequest(m, srv.URL+traj, strings.NewReader(strings.Repeat("z", 1<<20)))
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, HEAD" {
			t.Errorf("%s: status %d, Allow %q; want 405, GET, HEAD", m, resp.StatusCode, resp.Header.Get("Allow"))
		}
	}
}

// TestServeTimeout: a computation longer than the server's limit is
// stopped at a progress checkpoint and answered with 503, long before it
// would have finished (uninterrupted, the trajectory below took 21 s of
// wall time and 5 s of CPU on the development machine, the sweep more
// than 100 s).
func TestServeTimeout(t *testing.T) {
	srv := httptest.NewServer(newServer(serveConfig{timeout: 300 * time.Millisecond}))
	defer srv.Close()
	start := time.Now()
	code, body, _ := get(t, srv, "/api/trajectory?problem=rosenbrock&flow=pf&lr=0.001&steps=10000")
	took := time.Since(start)
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "longer than the server's limit") {
		t.Fatalf("status %d: %s; want 503 with the time limit", code, body)
	}
	// The 503 is the proof that the run was stopped: uninterrupted it
	// answers 200. The time is logged, not asserted (tests never assert
	// on time; a hang would trip go test's own timeout).
	t.Logf("trajectory answered 503 after %v", took)
	// A sweep is stopped at the progress checkpoint of every gradient
	// (and through the context stability.Sweep checks every 1024 steps).
	start = time.Now()
	code, body, _ = get(t, srv, "/api/sweep?problem=mlp&lr=0.01:0.04:4&steps=10000")
	if took := time.Since(start); code != http.StatusServiceUnavailable || !strings.Contains(body, "longer than the server's limit") {
		t.Errorf("sweep: status %d after %v: %s; want 503 with the time limit", code, took, body)
	}
	// The server still answers afterwards.
	if code, body, _ := get(t, srv, "/api/stability?problem=quadratic2d&lr=0.5"); code != 200 {
		t.Errorf("after a timeout: status %d: %s", code, body)
	}
}

// TestServeSweep: /api/sweep runs `pflow sweep -json` when the command
// exists, and says 501 {"error":"sweep not available"} otherwise.
func TestServeSweep(t *testing.T) {
	srv := httptest.NewServer(newServer(serveConfig{}))
	defer srv.Close()
	code, body, _ := get(t, srv, "/api/sweep?problem=quadratic2d&lr=0.1:1:3&steps=10")
	if _, ok := commands["sweep"]; !ok {
		if code != http.StatusNotImplemented || !strings.Contains(body, `"error": "sweep not available"`) {
			t.Errorf("status %d: %s; want 501 sweep not available", code, body)
		}
		return
	}
	_, out, errOut := runCmd("sweep", "-problem", "quadratic2d", "-lr", "0.1:1:3", "-steps", "10", "-json")
	if code != 200 || body != out {
		t.Errorf("status %d; API:\n%s\nCLI:\n%s%s", code, body, out, errOut)
	}
}

// TestServeLoad sends 50 trajectory requests at once (five flows, ten
// learning rates) and compares every answer with the CLI's output.
func TestServeLoad(t *testing.T) {
	srv := httptest.NewServer(newServer(serveConfig{}))
	defer srv.Close()
	flows := []string{"gd", "ngf", "igr", "bea3", "pf"}
	type job struct{ q url.Values }
	var jobs []job
	for i := range 10 {
		for _, f := range flows {
			jobs = append(jobs, job{url.Values{"problem": {"quadratic2d"}, "flow": {f}, "lr": {fmt.Sprint(0.1 + 0.09*float64(i))}, "steps": {"15"}}})
		}
	}
	// The CLI's outputs, computed first, one at a time.
	want := make([]string, len(jobs))
	for i, j := range jobs {
		code, out, errOut := runCmd(cliArgs("trajectory", j.q)...)
		if code != 0 {
			t.Fatalf("%v: CLI exit %d: %s", j.q, code, errOut)
		}
		want[i] = out
	}
	got := make([]string, len(jobs))
	status := make([]int, len(jobs))
	errs := make([]error, len(jobs))
	var wg sync.WaitGroup
	startGate := make(chan struct{})
	for i, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-startGate
			resp, err := srv.Client().Get(srv.URL + "/api/trajectory?" + j.q.Encode())
			if err != nil {
				errs[i] = err
				return
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			got[i], status[i], errs[i] = string(b), resp.StatusCode, err
		}()
	}
	close(startGate)
	wg.Wait()
	for i := range jobs {
		if errs[i] != nil || status[i] != 200 || got[i] != want[i] {
			t.Errorf("request %d (%v): error %v, status %d, equal to the CLI's output: %v", i, jobs[i].q, errs[i], status[i], got[i] == want[i])
		}
	}
}

// TestServePage: the page and its script come from the binary.
func TestServePage(t *testing.T) {
	srv := httptest.NewServer(newServer(serveConfig{}))
	defer srv.Close()
	for path, want := range map[string]string{"/": "<script src=\"explorer.js\">", "/explorer.js": `api("trajectory"`} {
		code, body, _ := get(t, srv, path)
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("GET %s: status %d, contains %q: %v", path, code, want, strings.Contains(body, want))
		}
		// The SVG namespace is a name, not a request.
		body = strings.ReplaceAll(body, `"http://www.w3.org/2000/svg"`, "")
		if strings.Contains(body, "http://") || strings.Contains(body, "https://") {
			t.Errorf("GET %s: the page refers to another site (it must work offline)", path)
		}
	}
}

// TestServeFlags: bad flags of `pflow serve` exit 2 with one line.
func TestServeFlags(t *testing.T) {
	for _, args := range [][]string{{"serve", "-timeout", "0"}, {"serve", "-timeout", "-1s"}, {"serve", "-addr", "127.0.0.1:notaport"}, {"serve", "extra"}} {
		code, _, errOut := runCmd(args...)
		if code != 2 || strings.Count(errOut, "\n") != 1 || !strings.HasPrefix(errOut, "pflow serve: ") {
			t.Errorf("%q: exit %d, stderr %q; want 2 and one line", args, code, errOut)
		}
	}
}
