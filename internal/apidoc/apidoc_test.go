package apidoc_test

import (
	"os"
	"strings"
	"testing"
)

// fences returns the bodies of the fenced blocks of md in the language
// lang, each as its lines.
func fences(md, lang string) [][]string {
	var out [][]string
	var cur []string
	in := false
	for _, l := range strings.Split(md, "\n") {
		switch {
		case !in && strings.TrimSpace(l) == "```"+lang:
			in, cur = true, nil
		case in && strings.TrimSpace(l) == "```":
			in = false
			out = append(out, cur)
		case in:
			cur = append(cur, l)
		}
	}
	return out
}

func trimAll(ls []string) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = strings.TrimSpace(l)
	}
	return out
}

// findSeq returns the index after the first occurrence of seq in ls at or
// after from, or −1.
func findSeq(ls, seq []string, from int) int {
	for i := from; i+len(seq) <= len(ls); i++ {
		ok := true
		for j, s := range seq {
			if ls[i+j] != s {
				ok = false
				break
			}
		}
		if ok {
			return i + len(seq)
		}
	}
	return -1
}

// TestAPIDocMatchesTour: every Go block of docs/api.md is a contiguous
// run of lines of tour_test.go (indentation aside), in the page's order,
// and every printed line the page shows is in Example_tour's checked
// output, in order. With Example_tour compiled and run by go test, the
// page's code compiles and prints what it says.
func TestAPIDocMatchesTour(t *testing.T) {
	md, err := os.ReadFile("../../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("tour_test.go")
	if err != nil {
		t.Fatal(err)
	}
	file := trimAll(strings.Split(string(src), "\n"))
	goBlocks := fences(string(md), "go")
	if len(goBlocks) < 7 {
		t.Fatalf("docs/api.md has %d Go blocks, want the imports and six sections", len(goBlocks))
	}
	pos := 0
	for i, b := range goBlocks {
		next := findSeq(file, trimAll(b), pos)
		if next < 0 {
			t.Errorf("Go block %d of docs/api.md (starting %q) is not in tour_test.go after line %d", i+1, b[0], pos)
			continue
		}
		pos = next
	}
	k := findSeq(file, []string{"// Output:"}, 0)
	if k < 0 {
		t.Fatal("no Output in tour_test.go")
	}
	var output []string
	for _, l := range file[k:] {
		if !strings.HasPrefix(l, "// ") {
			break
		}
		output = append(output, strings.TrimPrefix(l, "// "))
	}
	pos = 0
	for i, b := range fences(string(md), "text") {
		next := findSeq(output, trimAll(b), pos)
		if next < 0 {
			t.Errorf("printed lines %d of docs/api.md (%q) are not Example_tour's output", i+1, b)
			continue
		}
		pos = next
	}
}
