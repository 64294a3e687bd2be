package db

import (
	"errors"
	"io/fs"
	"sort"
)

// overlay is a flat migration folder made of two: the engine's own files
// win over same-named files in the shared one. A migration both engines
// accept lives once, in "common"; one that needs dialect DDL has a copy
// per engine.
type overlay struct{ own, common fs.FS }

func (o overlay) Open(name string) (fs.File, error) {
	if name == "." {
		return nil, &fs.PathError{Op: "open", Path: name, Err: errors.New("overlay: open the folder through ReadDir")}
	}
	for _, f := range []fs.FS{o.own, o.common} {
		if f == nil {
			continue
		}
		if file, err := f.Open(name); err == nil {
			return file, nil
		}
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

func (o overlay) ReadDir(name string) ([]fs.DirEntry, error) {
	seen := map[string]fs.DirEntry{}
	for _, f := range []fs.FS{o.common, o.own} { // own last: it wins
		if f == nil {
			continue
		}
		entries, err := fs.ReadDir(f, name)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		for _, e := range entries {
			seen[e.Name()] = e
		}
	}
	out := make([]fs.DirEntry, 0, len(seen))
	for _, e := range seen {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out, nil
}

// migrationFS returns the engine's view of a migration set.
func migrationFS(m Migrations, e Engine) (fs.FS, error) {
	var o overlay
	if _, err := fs.Stat(m.FS, string(e)); err == nil {
		o.own = Sub(m.FS, string(e))
	}
	if _, err := fs.Stat(m.FS, "common"); err == nil {
		o.common = Sub(m.FS, "common")
	}
	if o.own == nil && o.common == nil {
		return nil, errors.New("no " + string(e) + " or common folder")
	}
	return o, nil
}
