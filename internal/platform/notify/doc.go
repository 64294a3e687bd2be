// Package notify tells people what happened to things they care about:
// an in-app notification always, and an e-mail when an SMTP relay is
// configured and the person has a confirmed address.
//
// Notify runs inside the caller's transaction, so a notification exists
// if and only if the change it reports committed. The e-mail goes after
// the commit (db.AfterCommit), on its own goroutine with its own timeout:
// a slow or broken relay never holds a transaction or a request, and a
// failed e-mail is logged, not retried — the in-app notification is the
// record, the e-mail a courtesy.
//
// The text is not stored. A notification keeps a message key and its
// arguments ("appeals.notify.answered" + {"number": "…"}), rendered when
// read in the reader's language (the catalog holds key+".title" and
// key+".body"). People switch language at will and muni stores no
// language per account; a stored text would be frozen in whichever
// language happened to be current, and a corrected translation would
// never reach old notifications. An e-mail is rendered once, in the
// language the Recipients adapter reports (Russian when it knows none).
//
// Reading one's own notifications and marking them read changes nothing
// anybody else sees and carries no personal data of others, so it is not
// written to the audit log; the changes that cause notifications are.
//
// Platform code cannot import a domain: who has which confirmed address
// comes through the small Recipients interface that the app satisfies
// from identity.
package notify
