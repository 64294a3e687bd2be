package transport

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Source is a GTFS feed to read: a zip archive or a folder of .txt files.
type Source interface {
	// Open opens name ("stops.txt"); fs.ErrNotExist when the feed lacks it.
	Open(name string) (io.ReadCloser, error)
	// Names lists the feed's files.
	Names() []string
	Close() error
}

// OpenSource opens a zip file or a folder at p.
func OpenSource(p string) (Source, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("transport: %w", err)
	}
	if st.IsDir() {
		return dirSource{fs: os.DirFS(p)}, nil
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("transport: %w", err)
	}
	src, err := ZipSource(f, st.Size())
	if err != nil {
		f.Close()
		return nil, err
	}
	src.closer = f
	return src, nil
}

// ErrCorruptZip is returned for an upload that is not a readable zip.
var ErrCorruptZip = errors.New("transport: not a readable zip archive")

// ZipSource reads a feed from a zip archive. Files may sit in one
// sub-folder of the archive, as some exporters put them.
func ZipSource(r io.ReaderAt, size int64) (*zipSource, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorruptZip, err)
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		if f.FileInfo().IsDir() || strings.HasPrefix(path.Base(f.Name), ".") || strings.HasPrefix(f.Name, "__MACOSX/") {
			continue
		}
		files[path.Base(f.Name)] = f
	}
	return &zipSource{files: files}, nil
}

type zipSource struct {
	files  map[string]*zip.File
	closer io.Closer
}

func (z *zipSource) Open(name string) (io.ReadCloser, error) {
	f, ok := z.files[name]
	if !ok {
		return nil, fs.ErrNotExist
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrCorruptZip, name, err)
	}
	return rc, nil
}

func (z *zipSource) Names() []string {
	out := make([]string, 0, len(z.files))
	for n := range z.files {
		out = append(out, n)
	}
	return out
}

func (z *zipSource) Close() error {
	if z.closer != nil {
		return z.closer.Close()
	}
	return nil
}

type dirSource struct{ fs fs.FS }

func (d dirSource) Open(name string) (io.ReadCloser, error) { return d.fs.Open(name) }

func (d dirSource) Names() []string {
	ents, _ := fs.ReadDir(d.fs, ".")
	out := []string{}
	for _, e := range ents {
		if !e.IsDir() && filepath.Ext(e.Name()) == ".txt" {
			out = append(out, e.Name())
		}
	}
	return out
}

func (d dirSource) Close() error { return nil }
