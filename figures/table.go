package figures

import (
	"encoding/csv"
	"io"
	"math"
	"strconv"
)

// Table is the data behind a figure in long ("tidy") form: every row belongs
// to a named series (for example "gd", "pf" or "contour") and has one value
// per column. A value that does not apply to a series is NaN and is written as
// NA.
type Table struct {
	// Columns names the numeric columns; the CSV header is "series"
	// followed by Columns.
	Columns []string
	// Rows holds the data in the order it is written.
	Rows []Row
}

// Row is one line of a Table.
type Row struct {
	Series string
	Values []float64
}

// NewTable returns an empty table with the given columns.
func NewTable(columns ...string) *Table {
	return &Table{Columns: columns}
}

// Add appends a row to series. It panics if the number of values differs from
// the number of columns (a programmer error).
func (t *Table) Add(series string, values ...float64) {
	if len(values) != len(t.Columns) {
		panic("figures: row length does not match the table's columns")
	}
	t.Rows = append(t.Rows, Row{Series: series, Values: append([]float64(nil), values...)})
}

// Series returns the rows of the named series.
func (t *Table) Series(name string) [][]float64 {
	var out [][]float64
	for _, r := range t.Rows {
		if r.Series == name {
			out = append(out, r.Values)
		}
	}
	return out
}

// Column returns the index of the named column, or −1.
func (t *Table) Column(name string) int {
	for i, c := range t.Columns {
		if c == name {
			return i
		}
	}
	return -1
}

// WriteCSV writes the table as CSV: a header line "series,<columns>" and one
// line per row, numbers in the shortest form that reads back to the same
// float64 ('g' format, −1 precision), NaN as NA.
func (t *Table) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	rec := make([]string, 1+len(t.Columns))
	rec[0] = "series"
	copy(rec[1:], t.Columns)
	if err := cw.Write(rec); err != nil {
		return err
	}
	for _, r := range t.Rows {
		rec[0] = r.Series
		for i, v := range r.Values {
			if math.IsNaN(v) {
				rec[i+1] = "NA"
			} else {
				rec[i+1] = strconv.FormatFloat(v, 'g', -1, 64)
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
