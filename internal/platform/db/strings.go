package db

import "context"

// Strings runs a query that selects one text column and returns its
// values in the query's order (nil when there are none).
func Strings(ctx context.Context, q Querier, query string, args ...any) ([]string, error) {
	var out []string
	err := eachString(ctx, q, query, args, func(s string) { out = append(out, s) })
	return out, err
}

// StringSet runs a query of one text column and returns its values as a
// set.
func StringSet(ctx context.Context, q Querier, query string, args ...any) (map[string]bool, error) {
	out := map[string]bool{}
	err := eachString(ctx, q, query, args, func(s string) { out[s] = true })
	return out, err
}

func eachString(ctx context.Context, q Querier, query string, args []any, f func(string)) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return err
		}
		f(s)
	}
	return rows.Err()
}
