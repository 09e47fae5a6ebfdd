package content

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// CSVHeader is the directory's CSV format, one service per row. Lists (offers, phones,
// languages, sources) are separated by ";". Dates are YYYY-MM-DD. dated is true or false.
var CSVHeader = []string{
	"id", "kind", "offers", "country", "region", "city",
	"name_uk", "name_ru", "name_en", "address", "phones", "website", "telegram",
	"hours_uk", "hours_ru", "hours_en", "languages", "notes_uk", "notes_ru", "notes_en",
	"verified", "verified_by", "sources", "dated",
}

// ExportDirectoryCSV writes the directory (shipped and added entries) as CSV.
func (c *Content) ExportDirectoryCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	for _, s := range c.Directory.Services {
		if s.Sample {
			continue
		}
		row := []string{
			s.ID, s.Kind, strings.Join(s.Offers, ";"), s.Country, s.Region, s.City,
			s.Name.UK, s.Name.RU, s.Name.EN, s.Address, strings.Join(s.Phones, ";"), s.Website, s.Telegram,
			s.Hours.UK, s.Hours.RU, s.Hours.EN, strings.Join(s.Languages, ";"), s.Notes.UK, s.Notes.RU, s.Notes.EN,
			s.Verified.Format("2006-01-02"), s.VerifiedBy, strings.Join(s.Sources, ";"), strconv.FormatBool(s.Dated),
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// ParseDirectoryCSV reads services from CSV and checks every row. If any row is bad, it returns
// no services and an error naming each bad row by line number and the reason.
func (c *Content) ParseDirectoryCSV(r io.Reader) ([]Service, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("line 1: cannot read the header: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	for _, h := range CSVHeader {
		if _, ok := col[h]; !ok {
			return nil, fmt.Errorf("line 1: the header has no %q column (expected: %s)", h, strings.Join(CSVHeader, ","))
		}
	}
	var out []Service
	var bad []string
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return nil, fmt.Errorf("read the CSV: %w", err)
			}
			bad = append(bad, csvSyntaxProblem(pe))
			continue
		}
		line, _ := cr.FieldPos(0)
		get := func(name string) string {
			if i := col[name]; i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		list := func(name string) []string {
			var out []string
			for _, p := range strings.Split(get(name), ";") {
				if p = strings.TrimSpace(p); p != "" {
					out = append(out, p)
				}
			}
			return out
		}
		s := Service{
			ID: get("id"), Kind: get("kind"), Offers: list("offers"), Country: strings.ToUpper(get("country")),
			Region: get("region"), City: get("city"),
			Name:    Text{UK: get("name_uk"), RU: get("name_ru"), EN: get("name_en")},
			Address: get("address"), Phones: list("phones"), Website: get("website"), Telegram: get("telegram"),
			Hours:      Text{UK: get("hours_uk"), RU: get("hours_ru"), EN: get("hours_en")},
			Languages:  list("languages"),
			Notes:      Text{UK: get("notes_uk"), RU: get("notes_ru"), EN: get("notes_en")},
			VerifiedBy: get("verified_by"), Sources: list("sources"),
		}
		var reasons []string
		if v := get("verified"); v != "" {
			t, err := time.Parse("2006-01-02", v)
			if err != nil {
				reasons = append(reasons, fmt.Sprintf("verified: %q is not a date like 2026-11-23", v))
			}
			s.Verified = t
		}
		if d := get("dated"); d != "" {
			b, err := strconv.ParseBool(d)
			if err != nil {
				reasons = append(reasons, "dated: true or false")
			}
			s.Dated = b
		}
		if prev, dup := seen[s.ID]; dup && s.ID != "" {
			reasons = append(reasons, fmt.Sprintf("id %q is also on line %d", s.ID, prev))
		}
		seen[s.ID] = line
		for _, p := range c.checkService("", "", &s) {
			reasons = append(reasons, strings.TrimPrefix(strings.TrimPrefix(p.String(), " › "), ": "))
		}
		if len(reasons) > 0 {
			bad = append(bad, fmt.Sprintf("line %d: %s", line, strings.Join(reasons, "; ")))
			continue
		}
		out = append(out, s)
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("nothing imported: %d bad row(s):\n  %s", len(bad), strings.Join(bad, "\n  "))
	}
	return out, nil
}

// csvSyntaxProblem names the line of a row the CSV reader could not split, in the words used for
// every other bad row. The line is where the row starts: an unterminated quote runs to the end.
func csvSyntaxProblem(pe *csv.ParseError) string {
	reason := pe.Err.Error()
	switch {
	case errors.Is(pe.Err, csv.ErrQuote):
		reason = `a quoted field is not closed, or has text after its closing quote (write a quote inside a quoted field as "")`
	case errors.Is(pe.Err, csv.ErrBareQuote):
		reason = `a quote (") inside a field that does not start with one (put the field in quotes and write the quote as "")`
	}
	line := pe.StartLine
	if line == 0 {
		line = pe.Line
	}
	if pe.Line != line {
		return fmt.Sprintf("line %d: %s (the row runs to line %d)", line, reason, pe.Line)
	}
	return fmt.Sprintf("line %d: %s", line, reason)
}

// ImportDirectory adds the services in a CSV to the data folder's directory.toml (an entry with
// an existing id replaces it), checks the whole content with the result, and writes it only if
// everything is valid. It returns how many services it imported.
func ImportDirectory(overrideDir string, r io.Reader) (int, error) {
	cur, err := Load(overrideDir)
	if err != nil {
		return 0, fmt.Errorf("the current content has problems; fix them first: %w", err)
	}
	services, err := cur.ParseDirectoryCSV(r)
	if err != nil {
		return 0, err
	}
	path := filepath.Join(overrideDir, "directory.toml")
	var over DirectoryFile
	old, err := os.ReadFile(path)
	switch {
	case err == nil:
		if _, err := toml.Decode(string(old), &over); err != nil {
			return 0, fmt.Errorf("%s: %w", path, err)
		}
	case errors.Is(err, fs.ErrNotExist):
		old = nil
	default:
		return 0, err
	}
	over = mergeDirectory(over, DirectoryFile{Services: services})
	var buf bytes.Buffer
	buf.WriteString("# Service directory entries added by this deployment (peerline directory import).\n")
	buf.WriteString("# They extend content/data/directory.toml: an entry with a shipped id replaces it; remove = true hides it.\n\n")
	if err := toml.NewEncoder(&buf).Encode(over); err != nil {
		return 0, err
	}
	if err := os.MkdirAll(overrideDir, 0o700); err != nil {
		return 0, err
	}
	if err := writeFileAtomic(path, buf.Bytes()); err != nil {
		return 0, err
	}
	if _, err := Load(overrideDir); err != nil {
		// Put the old file back: nothing is imported.
		if old != nil {
			_ = writeFileAtomic(path, old)
		} else {
			_ = os.Remove(path)
		}
		return 0, fmt.Errorf("nothing imported: %w", err)
	}
	return len(services), nil
}

func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".directory-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
