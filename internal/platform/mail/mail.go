// Package mail sends muni's outgoing e-mail: through an SMTP relay when
// one is configured, otherwise into the log, so that a demo or a developer
// can still follow confirmation and reset links.
package mail

import (
	"context"
	"log/slog"
	"regexp"
	"strings"
)

// Message is one plain-text e-mail.
type Message struct {
	To      string
	Subject string
	Text    string
}

// Sender delivers messages.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Config is what New needs from the settings.
type Config struct {
	SMTPAddr     string // host:port; empty means log the mail
	SMTPUser     string
	SMTPPassword string
	SMTPFrom     string
}

// New returns an SMTP sender when cfg names a relay, else a log sender.
func New(cfg Config, log *slog.Logger) Sender {
	if cfg.SMTPAddr == "" {
		return &LogSender{Log: log}
	}
	return &SMTP{Addr: cfg.SMTPAddr, User: cfg.SMTPUser, Password: cfg.SMTPPassword, From: cfg.SMTPFrom}
}

// LogSender writes each message to the log instead of sending it.
type LogSender struct{ Log *slog.Logger }

var linkRe = regexp.MustCompile(`https?://\S+`)

// Links lists the URLs in a message's text, in order, without the
// punctuation that ends a sentence.
func Links(text string) []string {
	found := linkRe.FindAllString(text, -1)
	for i, l := range found {
		found[i] = strings.TrimRight(l, ".,;:!?)»")
	}
	return found
}

// Send logs the message, its links as a separate attribute so that they
// are easy to copy from the console.
func (s *LogSender) Send(ctx context.Context, m Message) error {
	if err := validate(m); err != nil {
		return err
	}
	s.Log.InfoContext(ctx, "mail (no SMTP relay configured, printed instead)",
		"to", m.To, "subject", m.Subject, "links", strings.Join(Links(m.Text), " "), "text", m.Text)
	return nil
}
