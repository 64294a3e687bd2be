// Package placetest is the fixed set of municipalities a domain's service
// tests look places up in, standing in for territory. Each domain has its
// own Municipality type; Places works over any of them.
package placetest

import "context"

// Places finds municipalities of type M by id and by slug; a lookup that
// finds none returns the domain's not-found error.
type Places[M any] struct {
	list     []M
	key      func(M) (id, slug string)
	notFound func() error
}

// New returns the places ms, told apart by key; notFound makes the error
// of a failed lookup.
func New[M any](key func(M) (id, slug string), notFound func() error, ms ...M) Places[M] {
	return Places[M]{list: ms, key: key, notFound: notFound}
}

// All returns every place, in the order given to New.
func (p Places[M]) All() []M { return p.list }

// Municipality returns the place with the id.
func (p Places[M]) Municipality(_ context.Context, id string) (M, error) {
	return p.find(func(m M) bool { i, _ := p.key(m); return i == id })
}

// MunicipalityBySlug returns the place with the slug.
func (p Places[M]) MunicipalityBySlug(_ context.Context, slug string) (M, error) {
	return p.find(func(m M) bool { _, s := p.key(m); return s == slug })
}

func (p Places[M]) find(match func(M) bool) (M, error) {
	for _, m := range p.list {
		if match(m) {
			return m, nil
		}
	}
	var zero M
	return zero, p.notFound()
}
