package audit

import "context"

type requestKey struct{}

// WithRequestID returns ctx carrying the request id that entries record.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestKey{}, id)
}

// RequestID is the id of the request in ctx, or "" outside a request
// (commands such as `muni demo` record "").
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestKey{}).(string)
	return id
}
