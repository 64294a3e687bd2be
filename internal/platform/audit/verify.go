package audit

import (
	"context"
	"fmt"
)

// Broken describes the first entry where the chain does not hold.
type Broken struct {
	Seq    int64
	ID     string
	Reason string
}

func (b *Broken) Error() string {
	return fmt.Sprintf("audit: chain broken at entry %d (%s): %s", b.Seq, b.ID, b.Reason)
}

// Verify walks the whole chain in order. It returns the number of entries
// checked and a *Broken error naming the first altered, inserted or
// deleted entry.
func (l *Log) Verify(ctx context.Context) (int64, error) {
	rows, err := l.db.R(ctx).QueryContext(ctx, `SELECT `+columns+` FROM audit_log ORDER BY seq`)
	if err != nil {
		return 0, fmt.Errorf("audit: verify: %w", err)
	}
	defer rows.Close()
	var n, want int64 = 0, 1
	prev, prevID := "", ""
	for rows.Next() {
		r, err := scan(rows)
		if err != nil {
			return n, err
		}
		switch {
		case r.Seq != want:
			return n, &Broken{r.Seq, r.ID, fmt.Sprintf("expected entry %d here: an entry was deleted or inserted", want)}
		case r.PrevHash != prev:
			return n, &Broken{r.Seq, r.ID, fmt.Sprintf("does not follow entry %s: an entry before it was removed or replaced", prevID)}
		case r.computeHash() != r.Hash:
			return n, &Broken{r.Seq, r.ID, "its contents do not match its hash: the entry was altered"}
		}
		prev, prevID = r.Hash, r.ID
		want++
		n++
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	var headSeq int64
	var headHash string
	if err := l.db.R(ctx).QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&headSeq, &headHash); err != nil {
		return n, fmt.Errorf("audit: head: %w", err)
	}
	if headSeq != n || headHash != prev {
		return n, &Broken{headSeq, "head", fmt.Sprintf("the log ends at entry %d but %d were written: entries at the end were deleted", n, headSeq)}
	}
	return n, nil
}
