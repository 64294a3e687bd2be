// Package workplace is the officials' digital workplace: one work queue
// that every domain feeds (appeals to answer, applications to decide,
// alarms to acknowledge), ordered by legal deadline, and the shell of
// pages officials work in. It owns no tables: each domain keeps its own
// items and answers through the Source interface the app wires in.
package workplace
