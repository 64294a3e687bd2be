package monitoring

import (
	"cmp"
	"context"
	"slices"
	"strconv"
)

// RegionRow is one municipality's figure in a comparison.
type RegionRow struct {
	Municipality Municipality
	Value        *float64
	Rank         int  // 1 is the best; 0 without a figure or a direction
	Peer         bool // of a population like the chosen municipality's
	Chosen       bool
}

// Series is one municipality's figures over the years, for the chart.
type Series struct {
	Name   string
	Values []*float64 // per Region.Years
}

// Region compares one indicator of one year across the municipalities of
// a region: a ranking in the indicator's direction, the chosen
// municipality's peers by population (half to twice its own), and every
// year's figures of the chosen one and its peers for the trend chart.
type Region struct {
	Municipality Municipality // the chosen one
	Indicator    Indicator
	Year         int
	Rows         []RegionRow
	Years        []int
	Series       []Series
	Peers        int
}

// MaxSeries bounds the trend chart's lines.
const MaxSeries = 6

// Region builds the comparison for the municipality at slug. Indicator
// figures are public.
func (s *Service) Region(ctx context.Context, slug, code string, year int) (Region, error) {
	m, err := s.Municipality(ctx, slug)
	if err != nil {
		return Region{}, err
	}
	ind, ok := s.catalog.Indicator(code)
	if !ok {
		return Region{}, notFound()
	}
	munis, err := s.places.Region(ctx, m)
	if err != nil {
		return Region{}, err
	}
	ids := make([]string, len(munis))
	for i, x := range munis {
		ids[i] = x.ID
	}
	vals, err := s.st.across(ctx, code, ids)
	if err != nil {
		return Region{}, err
	}
	r := Region{Municipality: m, Indicator: ind, Year: year}
	byMuni := map[string]map[int]float64{}
	years := map[int]bool{}
	for _, v := range vals {
		y, err := strconv.Atoi(v.Period)
		if err != nil {
			continue // quarters and months are not compared here
		}
		if byMuni[v.TenantID] == nil {
			byMuni[v.TenantID] = map[int]float64{}
		}
		byMuni[v.TenantID][y] = v.Value
		years[y] = true
	}
	for _, x := range munis {
		row := RegionRow{Municipality: x, Chosen: x.ID == m.ID, Peer: x.ID != m.ID && peer(m.Population, x.Population)}
		if v, ok := byMuni[x.ID][year]; ok {
			row.Value = &v
		}
		if row.Peer {
			r.Peers++
		}
		r.Rows = append(r.Rows, row)
	}
	rank(r.Rows, ind.Better)
	for y := range years {
		r.Years = append(r.Years, y)
	}
	slices.Sort(r.Years)
	for _, row := range r.Rows {
		if (!row.Chosen && !row.Peer) || len(r.Series) == MaxSeries || len(byMuni[row.Municipality.ID]) == 0 {
			continue
		}
		sr := Series{Name: row.Municipality.Name}
		for _, y := range r.Years {
			if v, ok := byMuni[row.Municipality.ID][y]; ok {
				sr.Values = append(sr.Values, &v)
			} else {
				sr.Values = append(sr.Values, nil)
			}
		}
		r.Series = append(r.Series, sr)
	}
	return r, nil
}

// peer reports whether population b is within half to twice a.
func peer(a, b int64) bool { return a > 0 && b > 0 && 2*b >= a && b <= 2*a }

// rank orders rows best first (rows without a figure last, by name) and
// numbers them; ties share a rank. Informational indicators are sorted
// by value, highest first, without ranks.
func rank(rows []RegionRow, dir Better) {
	slices.SortStableFunc(rows, func(a, b RegionRow) int {
		switch {
		case a.Value == nil && b.Value == nil:
			return cmp.Compare(a.Municipality.Name, b.Municipality.Name)
		case a.Value == nil:
			return 1
		case b.Value == nil:
			return -1
		}
		if dir == Lower {
			return cmp.Compare(*a.Value, *b.Value)
		}
		return cmp.Compare(*b.Value, *a.Value)
	})
	if dir == None {
		return
	}
	for i := range rows {
		if rows[i].Value == nil {
			break
		}
		rows[i].Rank = i + 1
		if i > 0 && *rows[i].Value == *rows[i-1].Value {
			rows[i].Rank = rows[i-1].Rank
		}
	}
}
