// Package proactive offers municipal services to residents before they
// ask: life events (a child born, moving in, disability established, …)
// arrive through the API or a CSV import and keep a register of residents
// up to date; rules kept as data (a trigger, conditions over the register,
// the target service and a pre-fill mapping) turn eligible residents who
// consented to proactive processing into offers, which the resident
// accepts with one click (a pre-filled application draft in the services
// domain), declines, or lets expire.
package proactive
