package appeals

import (
	"context"

	"github.com/muni-platform/muni/internal/platform/auth"
)

// PhotoMaxBytes is the largest photo file the service accepts.
func (s *Service) PhotoMaxBytes() int64 { return s.photoMax }

// UploadLimit is the largest request body a submission with photos may
// need: MaxPhotos files of the largest size, as base64 in JSON (a third
// larger than multipart), and a megabyte for everything else.
func (s *Service) UploadLimit() int64 {
	return MaxPhotos*(s.photoMax/3*4+4) + 1<<20
}

// PhotoFile returns photo n of an item with its cleaned bytes. Photos of
// issue reports are public, like the reports; those of formal appeals
// only their author and the officials over them see; to anyone else
// they do not exist.
func (s *Service) PhotoFile(ctx context.Context, appealID string, n int) (Photo, []byte, error) {
	a, err := s.st.appeal(ctx, appealID)
	if err != nil {
		return Photo{}, nil, err
	}
	mod, err := s.Moderation(ctx, appealID)
	if err != nil {
		return Photo{}, nil, err
	}
	public := a.Regime == RegimeReport && (mod == "" || mod == ModApproved) // held or hidden: not public
	if !public && !canRead(auth.From(ctx), a) {
		return Photo{}, nil, ErrNotFound
	}
	p, data, err := s.st.photo(ctx, appealID, n)
	p.Public = public
	return p, data, err
}
