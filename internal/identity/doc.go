// Package identity is who uses muni and what they may do: residents who
// register with a separate, versioned personal-data consent (152-FZ),
// officials holding roles granted on territory nodes, and machines holding
// API keys. It signs people in (password with throttling, or OIDC through
// a broker), turns each request into an auth.Actor, and answers a
// person's request for everything held about them.
//
// The territory tree is reached through the Places interface, which the
// app satisfies, so identity never imports another domain.
package identity
