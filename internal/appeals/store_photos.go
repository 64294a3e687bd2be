package appeals

import (
	"context"
	"database/sql"
	"errors"
)

// addPhotos stores an item's cleaned photos; ctx carries its transaction.
func (s *store) addPhotos(ctx context.Context, appealID string, ps []cleanPhoto, at int64) error {
	for _, p := range ps {
		if _, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO appeals_photos (appeal_id, n, content_type, width, height,
			size, data, at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			appealID, p.N, p.ContentType, p.Width, p.Height, p.Size, p.data, at); err != nil {
			return err
		}
	}
	return nil
}

// photos describes an item's photos in order, without their bytes.
func (s *store) photos(ctx context.Context, appealID string) ([]Photo, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT n, content_type, width, height, size FROM appeals_photos
		WHERE appeal_id = $1 ORDER BY n`, appealID)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	out := []Photo{}
	for rows.Next() {
		var p Photo
		if err := rows.Scan(&p.N, &p.ContentType, &p.Width, &p.Height, &p.Size); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// photo reads one photo with its bytes.
func (s *store) photo(ctx context.Context, appealID string, n int) (Photo, []byte, error) {
	p := Photo{N: n}
	var data []byte
	err := s.db.R(ctx).QueryRowContext(ctx, `SELECT content_type, width, height, size, data FROM appeals_photos
		WHERE appeal_id = $1 AND n = $2`, appealID, n).Scan(&p.ContentType, &p.Width, &p.Height, &p.Size, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return p, nil, ErrNotFound
	}
	return p, data, err
}
