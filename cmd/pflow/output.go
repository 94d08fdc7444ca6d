package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"math"
	"strconv"
	"strings"
)

// jsonNum is a float64 that encodes as JSON null when it is not finite
// (encoding/json rejects NaN and ±Inf); the reason is said on stderr.
type jsonNum float64

// MarshalJSON implements json.Marshaler.
func (x jsonNum) MarshalJSON() ([]byte, error) {
	v := float64(x)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, v, 'g', -1, 64), nil
}

// jsonVec is a []float64 that encodes its non-finite entries as null, in
// one call (a []jsonNum costs one MarshalJSON call per number).
type jsonVec []float64

// MarshalJSON implements json.Marshaler.
func (x jsonVec) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 2+24*len(x))
	b = append(b, '[')
	for i, v := range x {
		if i > 0 {
			b = append(b, ',')
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			b = append(b, "null"...)
		} else {
			b = strconv.AppendFloat(b, v, 'g', -1, 64)
		}
	}
	return append(b, ']'), nil
}

// writeJSON writes v indented, with <, > and & as they are.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// writeCSV writes a header and rows.
func writeCSV(w io.Writer, header []string, rows [][]string) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return cw.Error()
}

// fmtFloat is the shortest representation that reads back to x.
func fmtFloat(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// trajWriteJSON writes out as writeJSON does, streaming the points one at
// a time (a long run holds millions of numbers) with progress through pr.
func trajWriteJSON(w io.Writer, out trajOutput, pr *progress) error {
	points := out.Points
	out.Points = nil
	var head bytes.Buffer
	if err := writeJSON(&head, out); err != nil {
		return err
	}
	const null = `"points": null`
	s := head.String()
	i := strings.Index(s, null)
	if i < 0 {
		return errors.New("points field not found")
	}
	bw := bufio.NewWriter(w)
	bw.WriteString(s[:i])
	if len(points) == 0 {
		bw.WriteString(`"points": []`)
	} else {
		bw.WriteString("\"points\": [\n")
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("    ", "  ")
		for k, pt := range points {
			buf.Reset()
			if err := enc.Encode(pt); err != nil {
				return err
			}
			bw.WriteString("    ")
			bw.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
			if k < len(points)-1 {
				bw.WriteByte(',')
			}
			bw.WriteByte('\n')
			pr.tick("writing point %d of %d", k+1, len(points))
		}
		bw.WriteString("  ]")
	}
	bw.WriteString(s[i+len(null):])
	return bw.Flush()
}
