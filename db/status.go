package db

import (
	"database/sql"
	"fmt"
	"strings"

	"jindu/metrics"
)

// encodeStatus writes a status in the compact form kept in status_changes:
// eleven characters, one per field (five_good, stars, service_center,
// party_branch, owners_committee, property_service, then the five star
// flags), '-' for not reported.
func encodeStatus(s metrics.Status) string {
	b := make([]byte, 0, 11)
	b = append(b, encBool(s.FiveGood))
	if s.Stars == nil {
		b = append(b, '-')
	} else {
		b = append(b, byte('0'+*s.Stars))
	}
	b = append(b, encBool(s.ServiceCenter), encBool(s.PartyBranch), encBool(s.OwnersCommittee), encBool(s.PropertyService))
	for _, f := range s.StarFlags {
		b = append(b, encBool(f))
	}
	return string(b)
}

// encodedStatus is the SQL expression of encodeStatus over the status
// columns of a table aliased p ("s."), NULL where the row is missing (an
// outer join's).
func encodedStatus(p string) string {
	return `CASE WHEN ` + p + `year IS NOT NULL THEN coalesce(` + p + `five_good, '-') || coalesce(` + p + `stars, '-') || coalesce(` +
		p + `service_center, '-') || coalesce(` + p + `party_branch, '-') || coalesce(` + p + `owners_committee, '-') || coalesce(` +
		p + `property_service, '-') || coalesce(` + p + `star_flags, '-----') END`
}

func encBool(v *bool) byte {
	switch {
	case v == nil:
		return '-'
	case *v:
		return '1'
	default:
		return '0'
	}
}

func decBool(c byte) *bool {
	switch c {
	case '1':
		return metrics.Bool(true)
	case '0':
		return metrics.Bool(false)
	default:
		return nil
	}
}

// decodeStatus reverses encodeStatus.
func decodeStatus(e string) (metrics.Status, error) {
	if len(e) != 11 {
		return metrics.Status{}, fmt.Errorf("decode status %q: want 11 characters", e)
	}
	s := metrics.Status{FiveGood: decBool(e[0]), ServiceCenter: decBool(e[2]), PartyBranch: decBool(e[3]),
		OwnersCommittee: decBool(e[4]), PropertyService: decBool(e[5])}
	if e[1] >= '0' && int(e[1]-'0') <= metrics.MaxStars {
		s.Stars = metrics.Int(int(e[1] - '0'))
	}
	for i := range s.StarFlags {
		s.StarFlags[i] = decBool(e[6+i])
	}
	return s, nil
}

// starFlagsOf is the star_flags column of an encoded status: NULL when no
// flag was listed.
func starFlagsOf(enc string) any {
	e := enc[6:]
	if e == "-----" {
		return nil
	}
	return e
}

// Query arguments are int64, the driver's own type: other integer types
// take a conversion through reflection for every argument.

func nullBool(v *bool) any {
	if v == nil {
		return nil
	}
	if *v {
		return int64(1)
	}
	return int64(0)
}

func nullInt(v *int) any {
	if v == nil {
		return nil
	}
	return int64(*v)
}

// statusColumns lists the status columns in the order scanStatus reads them.
const statusColumns = `five_good, stars, service_center, party_branch, owners_committee, property_service, star_flags`

type rowScanner interface{ Scan(...any) error }

// scanStatus reads statusColumns (possibly after leading dest values).
func scanStatus(r rowScanner, lead ...any) (metrics.Status, error) {
	var fg, st, sc, pb, oc, ps sql.NullInt64
	var flags sql.NullString
	if err := r.Scan(append(lead, &fg, &st, &sc, &pb, &oc, &ps, &flags)...); err != nil {
		return metrics.Status{}, err
	}
	s := metrics.Status{FiveGood: boolOf(fg), ServiceCenter: boolOf(sc), PartyBranch: boolOf(pb),
		OwnersCommittee: boolOf(oc), PropertyService: boolOf(ps)}
	if st.Valid {
		s.Stars = metrics.Int(int(st.Int64))
	}
	if flags.Valid && len(flags.String) == metrics.MaxStars {
		for i := range s.StarFlags {
			s.StarFlags[i] = decBool(flags.String[i])
		}
	}
	return s, nil
}

func boolOf(v sql.NullInt64) *bool {
	if !v.Valid {
		return nil
	}
	return metrics.Bool(v.Int64 != 0)
}

// prefixed qualifies each column of a comma-separated list with a table
// alias, e.g. prefixed("s.", statusColumns).
func prefixed(p, columns string) string {
	parts := strings.Split(columns, ", ")
	for i := range parts {
		parts[i] = p + parts[i]
	}
	return strings.Join(parts, ", ")
}
