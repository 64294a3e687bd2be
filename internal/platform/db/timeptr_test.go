package db_test

import (
	"database/sql"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/db"
)

func TestTimePtr(t *testing.T) {
	if p := db.TimePtr(sql.NullInt64{}); p != nil {
		t.Fatalf("NULL gave %v", p)
	}
	at := time.Date(2026, 11, 27, 5, 6, 7, 8e6, time.UTC)
	p := db.TimePtr(sql.NullInt64{Int64: db.Millis(at), Valid: true})
	if p == nil || !p.Equal(at) || p.Location() != time.UTC {
		t.Fatalf("got %v, want %v", p, at)
	}
}
