package transport

import (
	"archive/zip"
	"compress/flate"
	"errors"
)

// isZipError reports whether err comes from a damaged archive entry.
func isZipError(err error) bool {
	var ce flate.CorruptInputError
	return errors.Is(err, zip.ErrChecksum) || errors.Is(err, zip.ErrFormat) || errors.Is(err, zip.ErrAlgorithm) ||
		errors.As(err, &ce) || errors.Is(err, ErrCorruptZip)
}
