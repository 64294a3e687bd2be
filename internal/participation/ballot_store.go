package participation

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/platform/db"
)

// enrol puts the voter on the budget's roll; false when they are on it.
func (s *store) enrol(ctx context.Context, budget, voter, day, channel, check string) (bool, error) {
	res, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO participation_ballot_roll (budget_id, voter_id, day, channel, check_mac)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`, budget, voter, day, channel, check)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (s *store) rollCheck(ctx context.Context, budget, voter string) (string, error) {
	var check string
	err := s.db.Q(ctx).QueryRowContext(ctx, `SELECT check_mac FROM participation_ballot_roll
		WHERE budget_id = $1 AND voter_id = $2`, budget, voter).Scan(&check)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrRevoteCode
	}
	return check, err
}

// voted reports whether the voter is on the budget's roll.
func (s *store) voted(ctx context.Context, budget, voter string) (bool, error) {
	var n int
	err := s.db.R(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM participation_ballot_roll
		WHERE budget_id = $1 AND voter_id = $2`, budget, voter).Scan(&n)
	return n > 0, err
}

type boxRow struct{ projects, receipt string }

// boxByIdem finds the ballot a retried request put in its slot: a retry
// carries the same idempotency key and the same re-vote code, so it
// derives the same slot, and the row there holds the key's hash. Looking
// it up by slot needs no index on the hash (one random page fewer to
// write per ballot).
func (s *store) boxByIdem(ctx context.Context, budget, slot, idem string) (boxRow, bool, error) {
	var r boxRow
	var held string
	err := s.db.Q(ctx).QueryRowContext(ctx, `SELECT idem, projects, receipt FROM participation_ballot_box
		WHERE budget_id = $1 AND slot = $2`, budget, slot).Scan(&held, &r.projects, &r.receipt)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && held != idem) {
		return boxRow{}, false, nil
	}
	return r, err == nil, err
}

// boxInsert adds a ballot; false when its slot is taken (the same
// idempotency key derives the same slot).
func (s *store) boxInsert(ctx context.Context, budget, slot, idem, projects, receipt string) (bool, error) {
	res, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO participation_ballot_box (budget_id, slot, idem, projects, receipt)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`, budget, slot, idem, projects, receipt)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// boxReplace replaces the ballot in a slot; false when the slot is empty.
func (s *store) boxReplace(ctx context.Context, budget, slot, idem, projects, receipt string) (bool, error) {
	res, err := s.db.Q(ctx).ExecContext(ctx, `UPDATE participation_ballot_box SET idem = $3, projects = $4, receipt = $5
		WHERE budget_id = $1 AND slot = $2`, budget, slot, idem, projects, receipt)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// logSet appends leaves to the logs of one transaction. Each log's row is
// read and locked (PostgreSQL) once, its compact range kept in memory, and
// written back with one signed checkpoint when the transaction is done —
// so a batch of ballots costs one checkpoint, not one each.
type logSet struct {
	st   *store
	logs map[string]*Frontier
}

func (s *store) newLogSet() *logSet { return &logSet{st: s, logs: map[string]*Frontier{}} }

func (ls *logSet) open(ctx context.Context, budget string) (*Frontier, error) {
	if f, ok := ls.logs[budget]; ok {
		return f, nil
	}
	var size uint64
	var frontier string
	err := ls.st.db.Q(ctx).QueryRowContext(ctx, `UPDATE participation_ballot_logs SET size = size WHERE budget_id = $1
		RETURNING size, frontier`, budget).Scan(&size, &frontier)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	f, err := decodeFrontier(size, frontier)
	if err != nil {
		return nil, err
	}
	ls.logs[budget] = &f
	return &f, nil
}

// append writes a leaf and returns its index.
func (ls *logSet) append(ctx context.Context, l Leaf) (uint64, error) {
	f, err := ls.open(ctx, l.BudgetID)
	if err != nil {
		return 0, err
	}
	data := l.Bytes()
	h := LeafHash(data)
	if _, err := ls.st.db.Q(ctx).ExecContext(ctx, `INSERT INTO participation_ballot_leaves (budget_id, idx, leaf, hash, receipt)
		VALUES ($1, $2, $3, $4, $5)`, l.BudgetID, f.Size, string(data), hexHash(h), l.Receipt); err != nil {
		return 0, err
	}
	index := f.Size
	f.Append(h)
	return index, nil
}

// mark and reset follow a savepoint: reset forgets what was appended
// after mark.
func (ls *logSet) mark() map[string]Frontier {
	m := make(map[string]Frontier, len(ls.logs))
	for b, f := range ls.logs {
		m[b] = Frontier{Size: f.Size, Nodes: append([]Hash(nil), f.Nodes...)}
	}
	return m
}

func (ls *logSet) reset(m map[string]Frontier) {
	for b := range ls.logs {
		if f, ok := m[b]; ok {
			*ls.logs[b] = f
		} else {
			delete(ls.logs, b) // opened after the mark: its row is re-read
		}
	}
}

// flush writes every log's new state and signed checkpoint.
func (ls *logSet) flush(ctx context.Context, key ed25519.PrivateKey) (map[string]Checkpoint, error) {
	out := make(map[string]Checkpoint, len(ls.logs))
	for b, f := range ls.logs {
		cp := signCheckpoint(key, b, f)
		if _, err := ls.st.db.Q(ctx).ExecContext(ctx, `UPDATE participation_ballot_logs SET size = $2, frontier = $3, root = $4,
			key_id = $5, signature = $6 WHERE budget_id = $1`, b, f.Size, encodeFrontier(*f), hexHash(cp.Root), cp.KeyID,
			hex.EncodeToString(cp.Signature)); err != nil {
			return nil, err
		}
		out[b] = cp
	}
	return out, nil
}

func (s *store) logSize(ctx context.Context, budget string) (uint64, error) {
	var n uint64
	err := s.db.Q(ctx).QueryRowContext(ctx, `SELECT size FROM participation_ballot_logs WHERE budget_id = $1`, budget).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	return n, err
}

// checkpoint reads the budget's latest checkpoint.
func (s *store) checkpoint(ctx context.Context, budget string) (Checkpoint, error) {
	var root, sig string
	c := Checkpoint{Origin: originOf(budget)}
	err := s.db.R(ctx).QueryRowContext(ctx, `SELECT size, root, key_id, signature FROM participation_ballot_logs
		WHERE budget_id = $1`, budget).Scan(&c.Size, &root, &c.KeyID, &sig)
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNotFound
	}
	if err != nil {
		return c, err
	}
	if c.Root, err = parseHash(root); err != nil {
		return c, err
	}
	c.Signature, err = hex.DecodeString(sig)
	return c, err
}

// leaves reads the budget's first n leaves, in order.
func (s *store) leaves(ctx context.Context, budget string, n uint64) ([]string, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT leaf FROM participation_ballot_leaves
		WHERE budget_id = $1 AND idx < $2 ORDER BY idx`, budget, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]string, 0, n)
	for rows.Next() {
		var l string
		if err := rows.Scan(&l); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// leafByReceipt finds a leaf of the budget by its receipt.
func (s *store) leafByReceipt(ctx context.Context, budget, receipt string) (uint64, Leaf, error) {
	var idx uint64
	var data string
	err := s.db.Q(ctx).QueryRowContext(ctx, `SELECT idx, leaf FROM participation_ballot_leaves
		WHERE budget_id = $1 AND receipt = $2`, budget, receipt).Scan(&idx, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, Leaf{}, ErrReceiptUnknown
	}
	if err != nil {
		return 0, Leaf{}, err
	}
	l, err := ParseLeaf([]byte(data))
	return idx, l, err
}

// receipt rebuilds the receipt of a ballot already in the log.
func (s *store) receipt(ctx context.Context, budget, receipt string) (Receipt, error) {
	idx, l, err := s.leafByReceipt(ctx, budget, receipt)
	if err != nil {
		return Receipt{}, err
	}
	return Receipt{BudgetID: budget, Receipt: l.Receipt, Nonce: l.Nonce, Projects: l.Projects, LeafIndex: idx}, nil
}

// boxContents streams the projects of every ballot in the box, ordered by
// receipt (which says nothing of who or when) so the rules' tie-breaking
// sees a stable order.
func (s *store) boxContents(ctx context.Context, budget string, each func(projects string)) error {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT projects FROM participation_ballot_box WHERE budget_id = $1
		ORDER BY receipt`, budget)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return err
		}
		each(p)
	}
	return rows.Err()
}

// boxGroups streams every distinct ballot content of the box with the
// number of ballots that have it.
func (s *store) boxGroups(ctx context.Context, budget string, each func(projects string, n int)) error {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT projects, COUNT(*) FROM participation_ballot_box WHERE budget_id = $1
		GROUP BY projects`, budget)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var p string
		var n int
		if err := rows.Scan(&p, &n); err != nil {
			return err
		}
		each(p, n)
	}
	return rows.Err()
}

// rollCount is the number of people who voted on the budget.
func (s *store) rollCount(ctx context.Context, budget string) (int, error) {
	var n int
	err := s.db.R(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM participation_ballot_roll WHERE budget_id = $1`, budget).Scan(&n)
	return n, err
}

// signingKey returns the oldest stored checkpoint key, creating one when
// there is none (concurrent first uses agree on the oldest).
func (s *store) signingKey(ctx context.Context, now time.Time) (ed25519.PrivateKey, error) {
	load := func() (ed25519.PrivateKey, error) {
		var seed string
		err := s.db.R(ctx).QueryRowContext(ctx, `SELECT seed FROM participation_signing_keys ORDER BY created_ms, id LIMIT 1`).Scan(&seed)
		if err != nil {
			return nil, err
		}
		b, err := hex.DecodeString(strings.TrimSpace(seed))
		if err != nil || len(b) != ed25519.SeedSize {
			return nil, errors.New("participation: stored signing key is malformed")
		}
		return ed25519.NewKeyFromSeed(b), nil
	}
	k, err := load()
	if !errors.Is(err, sql.ErrNoRows) {
		return k, err
	}
	seed := make([]byte, ed25519.SeedSize)
	rand.Read(seed)
	k = ed25519.NewKeyFromSeed(seed)
	if _, err := s.db.Writer().ExecContext(ctx, `INSERT INTO participation_signing_keys (id, public_key, seed, created_ms)
		VALUES ($1, $2, $3, $4)`, db.NewID(), hex.EncodeToString(k.Public().(ed25519.PublicKey)), hex.EncodeToString(seed),
		db.Millis(now)); err != nil {
		return nil, err
	}
	return load()
}

// budgetOfReceipt finds which budget's log holds a receipt.
func (s *store) budgetOfReceipt(ctx context.Context, receipt string) (string, error) {
	var id string
	err := s.db.R(ctx).QueryRowContext(ctx, `SELECT budget_id FROM participation_ballot_leaves WHERE receipt = $1`, receipt).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrReceiptUnknown
	}
	return id, err
}

// leafHashes reads the RFC 6962 hashes of the budget's first n leaves.
func (s *store) leafHashes(ctx context.Context, budget string, n uint64) ([]Hash, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT hash FROM participation_ballot_leaves
		WHERE budget_id = $1 AND idx < $2 ORDER BY idx`, budget, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]Hash, 0, n)
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, err
		}
		x, err := parseHash(h)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// boxHasReceipt reports whether the ballot with this receipt is the one
// its voter's slot holds now. The log's leaf names the slot, so the box
// is read by its key and needs no index on receipts.
func (s *store) boxHasReceipt(ctx context.Context, budget, receipt string) (bool, error) {
	_, l, err := s.leafByReceipt(ctx, budget, receipt)
	if errors.Is(err, ErrReceiptUnknown) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	var held string
	err = s.db.R(ctx).QueryRowContext(ctx, `SELECT receipt FROM participation_ballot_box
		WHERE budget_id = $1 AND slot = $2`, budget, l.Slot).Scan(&held)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil && held == receipt, err
}
