package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"jindu/metrics"
)

// chunkSize is how many records the writer resolves and stores per round
// of statements. It is a power of two: statements are prepared for
// power-of-two row counts up to it and reused, so a chunk of any size
// takes a few multi-row statements per step instead of one per row.
const chunkSize = 512

// maxHeldDeltas bounds the street-years whose tally deltas a batch holds
// in memory (about 500 bytes each) before it applies them.
const maxHeldDeltas = 8192

// writer stores the records of one batch. put only queues a record: full
// chunks go to a goroutine that resolves and writes them (streets and
// communities looked up and created, stored statuses read, statuses,
// compound rows and the change log written) with multi-row statements in
// the batch's transaction, while the caller parses the next rows. finish
// writes the last chunk and reports the first error.
//
// Streets and communities are units, cached by name. Compounds, which can
// number a million, are rows of their own keyed by community and name: a
// chunk reads those stored under its communities a community at a time.
// Multi-row inserts say OR ROLLBACK: a broken constraint ends the whole
// batch anyway, and SQLite then keeps no statement journal for each of them.
type writer struct {
	ctx   context.Context
	tx    *sql.Tx
	batch int64
	// Arguments boxed once, not for each of a million rows; the batch ID
	// is also written into the multi-row statements as a literal, so that
	// a million rows do not each bind it.
	batchArg any
	batchLit string
	years    map[int]any
	touched  map[streetYear]struct{} // street-years to recount (rollbacks)
	deltas   map[streetYear]*tallyDelta
	diff     Diff

	// The change log's current chunk: a JSON array of logged entries.
	log     []byte
	logged  int
	nextSeq int

	rows, newUnits, changed int
	maxNew                  int // 0: no cap
	newStreets              int
	locks                   *lockSet // nil: nothing is locked

	pending []staged
	work    chan []staged
	done    chan struct{}
	mu      sync.Mutex
	err     error // the worker's first error

	// Worker state.
	streets   map[string]int64  // street name → ID
	comms     map[commKey]int64 // community → ID
	created   map[int64]bool    // streets and communities created by this batch
	stmts     map[string]*sql.Stmt
	sibOf     parentKey // the parent whose children's names are listed
	sibNames  []string
	freshFrom int64          // units created for the current chunk have IDs from here
	parents   map[int64]bool // streets with communities, communities with compounds, written by this batch
	nextID    int64          // the next unit ID, 0 until read
}

type commKey struct {
	street int64
	name   string
}

type parentKey struct {
	level  metrics.Level
	parent int64
}

type unitYear struct {
	unit int64
	year int
}

// staged is one queued record and, once resolved, its units.
type staged struct {
	metrics.Record
	street, community, unit int64 // unit: the street or community whose status it is
	// The record is the first of the batch to name a unit the batch creates.
	newStreet, newCommunity bool
}

func newWriter(ctx context.Context, tx *sql.Tx, batch int64) *writer {
	return &writer{ctx: ctx, tx: tx, batch: batch, batchArg: batch, batchLit: strconv.FormatInt(batch, 10), years: map[int]any{}, touched: map[streetYear]struct{}{}, deltas: map[streetYear]*tallyDelta{},
		streets: map[string]int64{}, comms: map[commKey]int64{}, created: map[int64]bool{}, stmts: map[string]*sql.Stmt{},
		parents: map[int64]bool{}}
}

// The keys of a status: a street's or community's, a compound's.
const (
	unitKey     = "unit_id, year"
	compoundKey = "community_id, name, year"
)

// upsert makes an insert of statuses keyed by key replace a stored one.
func upsert(key string) string {
	return `
	ON CONFLICT (` + key + `) DO UPDATE SET five_good = excluded.five_good, stars = excluded.stars,
	service_center = excluded.service_center, party_branch = excluded.party_branch,
	owners_committee = excluded.owners_committee, property_service = excluded.property_service,
	star_flags = excluded.star_flags, batch_id = excluded.batch_id`
}

// yearArg is a year as a query argument.
func (w *writer) yearArg(y int) any {
	a, ok := w.years[y]
	if !ok {
		a = int64(y)
		w.years[y] = a
	}
	return a
}

// close stops the worker (if finish did not) and closes the statements.
func (w *writer) close() {
	if w.work != nil {
		close(w.work)
		<-w.done
		w.work = nil
	}
	for _, s := range w.stmts {
		s.Close()
	}
}

func (w *writer) failure() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// put queues one record.
func (w *writer) put(r metrics.Record) error {
	u := r.Unit
	if u.Street == "" {
		return fmt.Errorf("record for %d: street name is empty", r.Year)
	}
	if u.Compound != "" && u.Community == "" {
		return fmt.Errorf("compound %q: community name is empty", u.Compound)
	}
	if err := w.failure(); err != nil {
		return err
	}
	if w.pending == nil {
		w.pending = make([]staged, 0, chunkSize)
	}
	w.pending = append(w.pending, staged{Record: r})
	if len(w.pending) == chunkSize {
		w.send()
	}
	return nil
}

func (w *writer) send() {
	if w.work == nil {
		w.work, w.done = make(chan []staged, 2), make(chan struct{})
		go w.run()
	}
	w.work <- w.pending
	w.pending = nil
}

func (w *writer) run() {
	defer close(w.done)
	for chunk := range w.work {
		if w.failure() != nil {
			continue
		}
		if err := w.store(chunk); err != nil {
			w.mu.Lock()
			w.err = err
			w.mu.Unlock()
		}
	}
}

// finish stores the queued records and waits for the worker.
func (w *writer) finish() error {
	if len(w.pending) > 0 {
		w.send()
	}
	if w.work == nil {
		return nil
	}
	close(w.work)
	<-w.done
	w.work = nil
	return w.failure()
}

// stmt returns the prepared statement of a kind for n rows.
func (w *writer) stmt(kind string, n int, build func(n int) string) (*sql.Stmt, error) {
	key := kind + "/" + strconv.Itoa(n)
	if st, ok := w.stmts[key]; ok {
		return st, nil
	}
	st, err := w.tx.PrepareContext(w.ctx, build(n))
	if err != nil {
		return nil, err
	}
	w.stmts[key] = st
	return st, nil
}

// batched runs a statement over items 0…n-1 in groups of power-of-two
// sizes: args appends item i's arguments; scan, if not nil, reads each
// result row.
func (w *writer) batched(kind string, n int, build func(n int) string, args func(dst []any, i int) []any, scan func(*sql.Rows) error) error {
	var a []any
	for off := 0; off < n; {
		k := min(1<<(bits.Len(uint(n-off))-1), chunkSize)
		st, err := w.stmt(kind, k, build)
		if err != nil {
			return fmt.Errorf("%s: %w", kind, err)
		}
		a = a[:0]
		for i := off; i < off+k; i++ {
			a = args(a, i)
		}
		off += k
		if scan == nil {
			if _, err := st.ExecContext(w.ctx, a...); err != nil {
				return fmt.Errorf("%s: %w", kind, err)
			}
			continue
		}
		rows, err := st.QueryContext(w.ctx, a...)
		if err != nil {
			return fmt.Errorf("%s: %w", kind, err)
		}
		for rows.Next() {
			if err := scan(rows); err != nil {
				rows.Close()
				return fmt.Errorf("%s: %w", kind, err)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("%s: %w", kind, err)
		}
	}
	return nil
}

// list is item n times, separated by ", ": a multi-row statement's
// placeholders or rows.
func list(n int, item string) string {
	return strings.TrimSuffix(strings.Repeat(item+", ", n), ", ")
}

// placeholders is "(?, ?), (?, ?)…": n tuples of width placeholders.
func placeholders(n, width int) string { return list(n, "("+list(width, "?")+")") }

// newIDs reserves n consecutive unit IDs and returns the first. The batch
// is the only writer, so the IDs are given in order, like SQLite would.
func (w *writer) newIDs(n int) (int64, error) {
	if w.nextID == 0 {
		if err := w.tx.QueryRowContext(w.ctx, `SELECT coalesce(max(id), 0) + 1 FROM units`).Scan(&w.nextID); err != nil {
			return 0, fmt.Errorf("apply batch: %w", err)
		}
	}
	id := w.nextID
	w.nextID += int64(n)
	return id, nil
}

// store resolves and writes one chunk.
func (w *writer) store(chunk []staged) error {
	// IDs are given in order: those from here on are new in this chunk.
	from, err := w.newIDs(0)
	if err != nil {
		return err
	}
	w.freshFrom = from
	if err := w.resolveStreets(chunk); err != nil {
		return err
	}
	if w.maxNew > 0 && w.newStreets > MaxNewStreets(w.maxNew) {
		return ErrTooManyNewStreets
	}
	if err := w.resolveCommunities(chunk); err != nil {
		return err
	}
	if err := w.storeStatuses(chunk); err != nil {
		return err
	}
	if len(w.deltas) >= maxHeldDeltas {
		// Tally deltas add up: those held so far are applied now, so a
		// batch of many street-years (a file of a million new streets)
		// holds a bounded number of them.
		if err := applyTallyDeltas(w.ctx, w.tx, w.deltas); err != nil {
			return err
		}
		clear(w.deltas)
	}
	if w.maxNew > 0 && w.newUnits > w.maxNew {
		return ErrTooManyNewUnits
	}
	return nil
}

func (w *writer) resolveStreets(chunk []staged) error {
	var unknown []string
	first := map[string]int{}
	for i := range chunk {
		name := chunk[i].Unit.Street
		if _, ok := w.streets[name]; ok {
			continue
		}
		if _, ok := first[name]; !ok {
			first[name] = i
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		err := w.batched("find streets", len(unknown), func(n int) string {
			return `SELECT id, name FROM units WHERE parent_id IS NULL AND name IN (` + list(n, "?") + `)`
		}, func(a []any, i int) []any { return append(a, unknown[i]) }, func(rows *sql.Rows) error {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				return err
			}
			w.streets[name] = id
			return nil
		})
		if err != nil {
			return fmt.Errorf("apply batch: %w", err)
		}
		var missing []string
		for _, name := range unknown {
			if _, ok := w.streets[name]; !ok {
				missing = append(missing, name)
			}
		}
		ids, err := w.newIDs(len(missing))
		if err != nil {
			return err
		}
		err = w.batched("add streets", len(missing), func(n int) string {
			return `INSERT OR ROLLBACK INTO units (id, level, street_id, name, created_batch) VALUES ` +
				list(n, "(?, 'street', ?, ?, ?)")
		}, func(a []any, i int) []any { return append(a, ids+int64(i), ids+int64(i), missing[i], w.batchArg) }, nil)
		if err != nil {
			return fmt.Errorf("apply batch: %w", err)
		}
		for i, name := range missing {
			id := ids + int64(i)
			w.streets[name] = id
			w.created[id] = true
			chunk[first[name]].newStreet = true
		}
		w.newUnits += len(missing)
		w.newStreets += len(missing)
	}
	for i := range chunk {
		chunk[i].street = w.streets[chunk[i].Unit.Street]
		chunk[i].unit = chunk[i].street
	}
	return nil
}

func (w *writer) resolveCommunities(chunk []staged) error {
	var unknown []commKey
	first := make(map[commKey]int, len(chunk))
	for i := range chunk {
		c := &chunk[i]
		if c.Unit.Community == "" {
			continue
		}
		k := commKey{c.street, c.Unit.Community}
		if _, ok := w.comms[k]; ok {
			continue
		}
		if _, ok := first[k]; !ok {
			first[k] = i
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		// Only parents that existed before the batch, or have children
		// the batch created, can have the units looked for.
		var look []commKey
		for _, k := range unknown {
			if !w.created[k.street] || w.parents[k.street] {
				look = append(look, k)
			}
		}
		type setType struct {
			id int64
			ct metrics.CommunityType
		}
		var retype []setType
		err := w.batched("find communities", len(look), func(n int) string {
			return `SELECT u.id, u.parent_id, u.name, coalesce(u.community_type, '') FROM (VALUES ` + placeholders(n, 2) + `) AS k
				CROSS JOIN units u ON u.street_id = k.column1 AND u.parent_id = k.column1 AND u.name = k.column2`
		}, func(a []any, i int) []any { return append(a, look[i].street, look[i].name) }, func(rows *sql.Rows) error {
			var k commKey
			var id int64
			var ct string
			if err := rows.Scan(&id, &k.street, &k.name, &ct); err != nil {
				return err
			}
			w.comms[k] = id
			// The latest ledger's community type wins; it rarely changes.
			if c := chunk[first[k]]; c.Unit.CommunityType != "" && string(c.Unit.CommunityType) != ct {
				retype = append(retype, setType{id, c.Unit.CommunityType})
				w.diff.retyped(metrics.UnitRef{Street: c.Unit.Street, Community: c.Unit.Community}, c.Year, metrics.CommunityType(ct), c.Unit.CommunityType)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("apply batch: %w", err)
		}
		for _, r := range retype {
			if _, err := w.tx.ExecContext(w.ctx, `UPDATE units SET community_type = ? WHERE id = ?`, r.ct, r.id); err != nil {
				return fmt.Errorf("apply batch: %w", err)
			}
		}
		var missing []commKey
		for _, k := range unknown {
			if _, ok := w.comms[k]; !ok {
				missing = append(missing, k)
			}
		}
		ids, err := w.newIDs(len(missing))
		if err != nil {
			return err
		}
		err = w.batched("add communities", len(missing), func(n int) string {
			return `INSERT OR ROLLBACK INTO units (id, level, parent_id, street_id, name, community_type, created_batch) VALUES ` +
				list(n, "(?, 'community', ?, ?, ?, ?, ?)")
		}, func(a []any, i int) []any {
			k := missing[i]
			var ct any
			if t := chunk[first[k]].Unit.CommunityType; t != "" {
				ct = string(t)
			}
			return append(a, ids+int64(i), k.street, k.street, k.name, ct, w.batchArg)
		}, nil)
		if err != nil {
			return fmt.Errorf("apply batch: %w", err)
		}
		for i, k := range missing {
			id := ids + int64(i)
			w.parents[k.street] = true
			w.comms[k] = id
			w.created[id] = true
			chunk[first[k]].newCommunity = true
		}
		w.newUnits += len(missing)
	}
	for i := range chunk {
		c := &chunk[i]
		if c.Unit.Community != "" {
			c.community = w.comms[commKey{c.street, c.Unit.Community}]
			c.unit = c.community
		}
	}
	return nil
}

// compKey is a compound: its community and name.
type compKey struct {
	community int64
	name      string
}

type compYear struct {
	compKey
	year int
}

// findStatuses reads the stored statuses of the chunk's street and
// community records (units created for this chunk have none), encoded; and
// for its compounds, which are stored at all (in any year) and their
// statuses in the years the chunk has. Only communities that existed before
// the batch, or have compounds this batch wrote, can have compounds stored.
func (w *writer) findStatuses(chunk []staged) (old map[unitYear]stored, oldC map[compYear]stored, known map[compKey]bool, err error) {
	var look []unitYear
	// Compounds are read a community at a time: the communities whose
	// compounds the chunk has in each year.
	lookC := map[int][]int64{}
	asked := map[unitYear]bool{}
	// known holds each compound of the chunk: true once found stored.
	known = make(map[compKey]bool, len(chunk))
	for i := range chunk {
		c := &chunk[i]
		switch {
		case c.Unit.Compound != "":
			known[compKey{c.community, c.Unit.Compound}] = false
			if cy := (unitYear{c.community, c.Year}); !asked[cy] && (!w.created[c.community] || w.parents[c.community]) {
				asked[cy] = true
				lookC[c.Year] = append(lookC[c.Year], c.community)
			}
		case c.unit < w.freshFrom: // a unit created for this chunk has no status yet
			look = append(look, unitYear{c.unit, c.Year})
		}
	}
	old = make(map[unitYear]stored, len(look))
	// The year before too: a unit-year with no status yet is compared
	// with it in the preview.
	err = w.batched("find statuses", len(look), func(n int) string {
		return `SELECT s.unit_id, s.year, ` + encodedStatus("s.") + ` FROM (VALUES ` + placeholders(n, 2) + `) AS k
			CROSS JOIN statuses s ON s.unit_id = k.column1 AND s.year IN (k.column2, k.column2 - 1)`
	}, func(a []any, i int) []any { return append(a, look[i].unit, look[i].year) }, func(rows *sql.Rows) error {
		var k unitYear
		var enc string
		if err := rows.Scan(&k.unit, &k.year, &enc); err != nil {
			return err
		}
		old[k] = stored{enc: enc}
		return nil
	})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("apply batch: status: %w", err)
	}
	// Each compound stored under the communities, with its status in the
	// year encoded ('' if it has none that year): one range of the primary
	// key per community, grouped in key order.
	oldC = make(map[compYear]stored, len(chunk)) // also takes the statuses the chunk sets
	for _, year := range slices.Sorted(maps.Keys(lookC)) {
		comms := lookC[year]
		y := strconv.Itoa(year)
		prevY := strconv.Itoa(year - 1)
		err = w.batched("find compounds "+y, len(comms), func(n int) string {
			return `SELECT community_id, name, max(CASE WHEN year = ` + y + ` THEN ` + encodedStatus("") + ` ELSE '' END),
				max(CASE WHEN year = ` + prevY + ` THEN ` + encodedStatus("") + ` ELSE '' END)
				FROM compounds WHERE community_id IN (` + list(n, "?") + `)
				GROUP BY community_id, name`
		}, func(a []any, i int) []any { return append(a, comms[i]) }, func(rows *sql.Rows) error {
			var k compKey
			var enc, prev string
			if err := rows.Scan(&k.community, &k.name, &enc, &prev); err != nil {
				return err
			}
			known[k] = true
			if enc != "" {
				oldC[compYear{k, year}] = stored{enc: enc}
			}
			if _, ok := oldC[compYear{k, year - 1}]; !ok && prev != "" {
				oldC[compYear{k, year - 1}] = stored{enc: prev}
			}
			return nil
		})
		if err != nil {
			return nil, nil, nil, fmt.Errorf("apply batch: compound: %w", err)
		}
	}
	return old, oldC, known, nil
}

// stored is a status, encoded, stored before the batch or set by it.
type stored struct {
	enc string
	set bool // by this batch
}

// change is one unit-year or compound-year the chunk sets.
type change struct {
	unit     int64  // the unit, or the compound's community
	compound string // the compound's name, "" for a street or community
	year     int
	s        metrics.Status
	old, new string // encoded; old "" if none
}

// storeStatuses compares the chunk's statuses with the stored ones and
// writes the changed ones with their change log.
func (w *writer) storeStatuses(chunk []staged) error {
	old, oldC, known, err := w.findStatuses(chunk)
	if err != nil {
		return err
	}
	var changes []change
	for i := range chunk {
		c := &chunk[i]
		u := c.Unit
		if c.newStreet {
			w.noteNew(metrics.LevelStreet, 0, 0, c.street, u.Street, metrics.UnitRef{Street: u.Street})
		}
		if c.newCommunity {
			w.noteNew(metrics.LevelCommunity, c.street, c.street, c.community, u.Community, metrics.UnitRef{Street: u.Street, Community: u.Community})
		}
		var st stored
		var had bool
		var k unitYear
		var ky compYear
		if u.Compound != "" {
			ck := compKey{c.community, u.Compound}
			if !known[ck] {
				// The first record of a compound no year has yet.
				known[ck] = true
				w.newUnits++
				w.noteNew(metrics.LevelCompound, c.street, c.community, 0, u.Compound, u)
			}
			ky = compYear{ck, c.Year}
			st, had = oldC[ky]
		} else {
			k = unitYear{c.unit, c.Year}
			st, had = old[k]
		}
		if err := w.failure(); err != nil {
			return err
		}
		w.rows++
		w.diff.count(u)
		enc := encodeStatus(c.Status)
		if had && st.enc == enc {
			w.diff.Unchanged++
			continue
		}
		if st.set {
			return fmt.Errorf("apply batch: %s %d is set twice with different values", u.Path(), c.Year)
		}
		if u.Compound != "" {
			oldC[ky] = stored{enc, true}
		} else {
			old[k] = stored{enc, true}
		}
		var before *metrics.Status
		if had {
			prev, err := decodeStatus(st.enc)
			if err != nil {
				return fmt.Errorf("apply batch: %w", err)
			}
			before = &prev
			w.diff.compare(u, c.Year, c.Year, before, c.Status)
		} else {
			w.diffPrevious(u, c.Year, c.Status, old, oldC, ky, k)
		}
		if err := w.locks.check(c.street, u.Street, c.Year); err != nil {
			return err
		}
		changes = append(changes, change{c.unit, u.Compound, c.Year, c.Status, st.enc, enc})
		if u.Compound != "" {
			w.parents[c.community] = true
		}
		w.changed++
		sy := streetYear{c.street, c.Year}
		d := w.deltas[sy]
		if d == nil {
			d = &tallyDelta{}
			w.deltas[sy] = d
		}
		level := u.Level()
		d.plus.Count(level, c.Status)
		if before != nil {
			d.minus.Count(level, *before)
		}
	}
	if err := w.writeChanges(changes); err != nil {
		return err
	}
	for i := range changes {
		c := &changes[i]
		if err := w.logChange(c.unit, c.compound, c.year, c.old, c.new); err != nil {
			return err
		}
	}
	return nil
}

// diffPrevious compares a unit-year with no stored status with the
// unit's status of the year before, if the store (or this batch) has one.
func (w *writer) diffPrevious(u metrics.UnitRef, year int, s metrics.Status, old map[unitYear]stored, oldC map[compYear]stored, ky compYear, k unitYear) {
	var st stored
	var ok bool
	if u.Compound != "" {
		st, ok = oldC[compYear{ky.compKey, year - 1}]
	} else {
		st, ok = old[unitYear{k.unit, year - 1}]
	}
	if !ok {
		return
	}
	if prev, err := decodeStatus(st.enc); err == nil {
		w.diff.compare(u, year, year-1, &prev, s)
	}
}

// writeChanges writes changed statuses: a unit-year or compound-year with
// no stored status gets a plain insert, which SQLite runs with less work
// than an upsert; only the others need one.
func (w *writer) writeChanges(changes []change) error {
	var adds, puts, addsC, putsC []int
	for i := range changes {
		c := &changes[i]
		switch {
		case c.compound != "" && c.old == "":
			addsC = append(addsC, i)
		case c.compound != "":
			putsC = append(putsC, i)
		case c.old == "":
			adds = append(adds, i)
		default:
			puts = append(puts, i)
		}
	}
	args := func(idx []int) func(a []any, i int) []any {
		return func(a []any, i int) []any {
			c := &changes[idx[i]]
			s := c.s
			a = append(a, c.unit)
			if c.compound != "" {
				a = append(a, c.compound)
			}
			return append(a, w.yearArg(c.year), nullBool(s.FiveGood), nullInt(s.Stars), nullBool(s.ServiceCenter),
				nullBool(s.PartyBranch), nullBool(s.OwnersCommittee), nullBool(s.PropertyService), starFlagsOf(c.new))
		}
	}
	insert := func(table, key string, width int) func(n int) string {
		return func(n int) string {
			return `INSERT OR ROLLBACK INTO ` + table + ` (` + key + `, ` + statusColumns + `, batch_id) VALUES ` +
				list(n, "("+list(width, "?")+", "+w.batchLit+")")
		}
	}
	addStatus, addCompound := insert("statuses", unitKey, 9), insert("compounds", compoundKey, 10)
	for _, s := range []struct {
		kind  string
		idx   []int
		build func(n int) string
	}{
		{"add statuses", adds, addStatus},
		{"put statuses", puts, func(n int) string { return addStatus(n) + upsert(unitKey) }},
		{"add compounds", addsC, addCompound},
		{"put compounds", putsC, func(n int) string { return addCompound(n) + upsert(compoundKey) }},
	} {
		if err := w.batched(s.kind, len(s.idx), s.build, args(s.idx), nil); err != nil {
			return fmt.Errorf("apply batch: %w", err)
		}
	}
	return nil
}

// restored counts one unit-year a rollback put back (or removed): its
// change is logged and its street-year's tally recounted at the end.
func (w *writer) restored(c change, street int64) error {
	if err := w.locks.check(street, "", c.year); err != nil {
		return err
	}
	if err := w.logChange(c.unit, c.compound, c.year, c.old, c.new); err != nil {
		return err
	}
	w.rows++
	w.changed++
	w.touched[streetYear{street, c.year}] = struct{}{}
	return nil
}

// logChange adds a change to the batch's change log: old and new are
// encoded statuses, "" for none; compound is the compound's name, "" for a
// street or community. Full chunks are written as they fill.
func (w *writer) logChange(unit int64, compound string, year int, old, new string) error {
	if w.logged == 0 {
		w.log = append(w.log[:0], '[')
	} else {
		w.log = append(w.log, ',')
	}
	w.log = append(w.log, '[')
	w.log = strconv.AppendInt(w.log, unit, 10)
	w.log = append(w.log, ',')
	w.log = strconv.AppendInt(w.log, int64(year), 10)
	for _, e := range []string{old, new} {
		w.log = append(w.log, ',')
		if e == "" {
			w.log = append(w.log, "null"...)
		} else {
			// The encoding's characters (digits and '-') need no escaping.
			w.log = append(append(append(w.log, '"'), e...), '"')
		}
	}
	if compound != "" {
		w.log = append(w.log, ',')
		w.log = appendJSONString(w.log, compound)
	}
	w.log = append(w.log, ']')
	w.logged++
	if w.logged == chunkSize {
		return w.flushLog()
	}
	return nil
}

// flushLog writes the change log's current chunk, if it has entries.
func (w *writer) flushLog() error {
	if w.logged == 0 {
		return nil
	}
	w.log = append(w.log, ']')
	if _, err := w.tx.ExecContext(w.ctx, `INSERT INTO change_log (batch_id, seq, changes) VALUES (?, ?, ?)`,
		w.batch, w.nextSeq, string(w.log)); err != nil {
		return fmt.Errorf("apply batch: change log: %w", err)
	}
	w.nextSeq++
	w.logged = 0
	return nil
}

// noteNew lists a unit the batch created, with a close sibling name.
func (w *writer) noteNew(level metrics.Level, street, parent, id int64, name string, u metrics.UnitRef) {
	if len(w.diff.NewUnits) >= maxListed {
		return
	}
	s, err := w.suggest(level, street, parent, id, name)
	if err != nil {
		w.mu.Lock()
		w.err = fmt.Errorf("apply batch: suggest: %w", err)
		w.mu.Unlock()
		return
	}
	w.diff.NewUnits = append(w.diff.NewUnits, NewUnit{Level: level, Path: u.Path(), Suggest: s})
}

// suggest finds a close name among the siblings a unit had when it was
// created (for a street or community those with a smaller ID: the batch
// creates units in the order of its records; for a compound those stored
// before its chunk is written), in name order, followed by the siblings
// the batch created since (the order decides between equally close names).
// A parent created by this batch has no old children. Records arrive
// grouped by parent, so the list is kept for the last parent.
func (w *writer) suggest(level metrics.Level, street, parent, id int64, name string) (string, error) {
	if w.created[parent] {
		return "", nil
	}
	pk := parentKey{level, parent}
	if pk != w.sibOf || w.sibNames == nil {
		// Streets by units_street_name, communities by units_tree,
		// compounds by their key: all in name order.
		var q string
		var args []any
		switch level {
		case metrics.LevelStreet:
			q, args = `SELECT name FROM units WHERE parent_id IS NULL AND id < ? ORDER BY name LIMIT 5001`, []any{id}
		case metrics.LevelCommunity:
			q, args = `SELECT name FROM units WHERE street_id = ? AND parent_id = ? AND id < ? ORDER BY name LIMIT 5001`, []any{street, parent, id}
		default:
			// Read before the chunk's compounds are written.
			q, args = `SELECT DISTINCT name FROM compounds WHERE community_id = ? ORDER BY name LIMIT 5001`, []any{parent}
		}
		rows, err := w.tx.QueryContext(w.ctx, q, args...)
		if err != nil {
			return "", err
		}
		names := []string{}
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				rows.Close()
				return "", err
			}
			names = append(names, n)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return "", err
		}
		w.sibOf, w.sibNames = pk, names
	}
	if len(w.sibNames) > 5000 {
		return "", nil
	}
	s := metrics.Closest(name, w.sibNames)
	w.sibNames = append(w.sibNames, name)
	return s, nil
}

// appendJSONString appends s as a JSON string. Names need escaping
// rarely, so the common case is a copy.
func appendJSONString(dst []byte, s string) []byte {
	if strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == '"' || r == '\\' || r == utf8.RuneError }) {
		q, _ := json.Marshal(s) // never fails for a string
		return append(dst, q...)
	}
	return append(append(append(dst, '"'), s...), '"')
}
