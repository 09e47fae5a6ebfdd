package content

import (
	"fmt"
	"strings"
)

// Reason is one reason a directory entry or a CSV row is refused: a stable code with its values
// (for a translated text, see locales/left.*.toml: left_dir_r_<code>) and the English text (for
// the CLI and the content check). Field is the column or field it is about ("" for the row).
type Reason struct {
	Code  string
	Field string
	Args  map[string]any
	Msg   string
}

// The reason codes. Their values (Args) are named in each constant's comment.
const (
	RCSVQuote      = "csv_quote"      // a quoted field not closed, or text after its closing quote
	RCSVBareQuote  = "csv_bare_quote" // a quote inside a field that does not start with one
	RCSVSyntax     = "csv_syntax"     // another CSV reading problem: Err
	RHeaderRead    = "header_read"    // the header cannot be read: Err
	RHeaderColumn  = "header_column"  // a required column is missing: Column, Expected
	RDate          = "date"           // not a date like 2026-11-23: Value
	RBool          = "bool"           // not true or false: Value
	RIDRepeated    = "id_repeated"    // the id is also on another line: Value, Other
	RIDFormat      = "id_format"      // an id not made of a-z, 0-9 and -: Value
	RKind          = "kind"           // an unknown kind: Value, Allowed
	ROffersMissing = "offers_missing" // no offers
	ROffer         = "offer"          // an unknown offer: Value, Treatments, Needs
	RCountry       = "country"        // not a two-letter code or INT: Value
	RRegion        = "region"         // an unknown region: Value
	RRegionNeeded  = "region_needed"  // a city in Ukraine without a region
	RPhone         = "phone"          // not a phone number: Value
	RWebsite       = "website"        // not an http(s) address: Value
	RTelegram      = "telegram"       // not a @username: Value
	RContact       = "contact"        // no phone, website, Telegram or address
	RLanguage      = "language"       // not a two-letter language code: Value
	RVerified      = "verified"       // neither verified nor info_date
	RVerifiedBy    = "verified_by"    // verified without who verified it
	RSources       = "sources"        // no sources
	RText          = "text"           // a text missing in one language
	RTextHTML      = "text_html"      // a text's HTML is not valid: Err
	RTextMixed     = "text_mixed"     // a word mixes Latin and Cyrillic letters: Word
	RTextLong      = "text_long"      // a text too long: N, Max
)

// ReasonCodes are all the codes, for checks that each has a translation.
var ReasonCodes = []string{
	RCSVQuote, RCSVBareQuote, RCSVSyntax, RHeaderRead, RHeaderColumn, RDate, RBool, RIDRepeated,
	RIDFormat, RKind, ROffersMissing, ROffer, RCountry, RRegion, RRegionNeeded, RPhone, RWebsite,
	RTelegram, RContact, RLanguage, RVerified, RVerifiedBy, RSources, RText, RTextHTML, RTextMixed,
	RTextLong,
}

func reason(field, code, msg string, args map[string]any) Reason {
	return Reason{Code: code, Field: field, Args: args, Msg: msg}
}

// String is the English text: "field: message", or the message alone.
func (r Reason) String() string {
	if r.Field == "" {
		return r.Msg
	}
	return r.Field + ": " + r.Msg
}

func (r Reason) problem(file, entry string) Problem {
	return Problem{File: file, Entry: entry, Field: r.Field, Msg: r.Msg}
}

// BadRow is a refused CSV row: the line it starts on (and, for a row the CSV reader could not
// split, the line it runs to when that differs) and why.
type BadRow struct {
	Line, EndLine int
	Reasons       []Reason
}

// String is the row in English: "line N: reason; reason".
func (b BadRow) String() string {
	rs := make([]string, len(b.Reasons))
	for i, r := range b.Reasons {
		rs[i] = r.String()
	}
	s := fmt.Sprintf("line %d: %s", b.Line, strings.Join(rs, "; "))
	if b.EndLine != 0 && b.EndLine != b.Line {
		s += fmt.Sprintf(" (the row runs to line %d)", b.EndLine)
	}
	return s
}

// CSVError is ParseDirectoryCSV's refusal: a header problem (Rows holds the one line-1 row) or
// the bad rows. Error() is the English text the CLI prints.
type CSVError struct {
	Header bool
	Rows   []BadRow
}

func (e *CSVError) Error() string {
	if e.Header && len(e.Rows) == 1 {
		return e.Rows[0].String()
	}
	lines := make([]string, len(e.Rows))
	for i, b := range e.Rows {
		lines[i] = b.String()
	}
	return fmt.Sprintf("nothing imported: %d bad row(s):\n  %s", len(e.Rows), strings.Join(lines, "\n  "))
}
