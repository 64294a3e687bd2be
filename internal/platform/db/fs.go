package db

import "io/fs"

// Sub is fs.Sub for embedded trees whose folder is known to exist.
func Sub(fsys fs.FS, dir string) fs.FS {
	s, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err) // only on a malformed literal path
	}
	return s
}
