package mail

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"log/slog"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeSMTP is a tiny SMTP server speaking just enough of the protocol for
// net/smtp: EHLO, optional STARTTLS, AUTH PLAIN, MAIL, RCPT, DATA, QUIT.
type fakeSMTP struct {
	ln   net.Listener
	tls  *tls.Config // offer STARTTLS when set
	mu   sync.Mutex
	got  []received
	done chan struct{}
}

type received struct {
	from, to, data, auth string
	tls                  bool
}

func startFake(t *testing.T, tlsCfg *tls.Config) *fakeSMTP {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeSMTP{ln: ln, tls: tlsCfg, done: make(chan struct{}, 8)}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go f.serve(c)
		}
	}()
	return f
}

func (f *fakeSMTP) serve(c net.Conn) {
	defer c.Close()
	defer func() { f.done <- struct{}{} }()
	r := bufio.NewReader(c)
	say := func(s string) { c.Write([]byte(s + "\r\n")) }
	var cur received
	say("220 fake ESMTP")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		cmd := strings.ToUpper(line)
		switch {
		case strings.HasPrefix(cmd, "EHLO"):
			if f.tls != nil && !cur.tls {
				say("250-fake")
				say("250-STARTTLS")
			} else {
				say("250-fake")
			}
			say("250 AUTH PLAIN")
		case cmd == "STARTTLS":
			say("220 go ahead")
			tc := tls.Server(c, f.tls)
			if err := tc.Handshake(); err != nil {
				return
			}
			c, r, cur.tls = tc, bufio.NewReader(tc), true
			say = func(s string) { tc.Write([]byte(s + "\r\n")) }
		case strings.HasPrefix(cmd, "AUTH PLAIN"):
			b, _ := base64.StdEncoding.DecodeString(strings.TrimSpace(line[len("AUTH PLAIN"):]))
			cur.auth = string(b)
			say("235 ok")
		case strings.HasPrefix(cmd, "MAIL FROM:"):
			cur.from = line[len("MAIL FROM:"):]
			say("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO:"):
			cur.to = line[len("RCPT TO:"):]
			say("250 ok")
		case cmd == "DATA":
			say("354 end with .")
			var data strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				data.WriteString(l)
			}
			cur.data = data.String()
			f.mu.Lock()
			f.got = append(f.got, cur)
			f.mu.Unlock()
			say("250 queued")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("502 unknown")
		}
	}
}

func (f *fakeSMTP) messages() []received {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]received(nil), f.got...)
}

func selfSigned(t *testing.T) (*tls.Config, *x509.CertPool) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, pool
}

func TestSMTPPlain(t *testing.T) {
	f := startFake(t, nil)
	s := &SMTP{Addr: f.ln.Addr().String(), From: "muni@example.org"}
	err := s.Send(context.Background(), Message{To: "Иван <ivan@example.org>", Subject: "Подтвердите адрес",
		Text: "Откройте ссылку:\nhttp://localhost/confirm?token=abc\n"})
	if err != nil {
		t.Fatal(err)
	}
	<-f.done
	got := f.messages()
	if len(got) != 1 {
		t.Fatalf("got %d messages", len(got))
	}
	m := got[0]
	if m.from != "<muni@example.org>" || m.to != "<ivan@example.org>" {
		t.Errorf("envelope %q -> %q", m.from, m.to)
	}
	if m.tls || m.auth != "" {
		t.Errorf("plain relay: tls=%v auth=%q", m.tls, m.auth)
	}
	for _, want := range []string{"Subject: =?utf-8?q?", "Content-Type: text/plain; charset=utf-8", "\r\n\r\nОткройте ссылку:\r\nhttp://localhost/confirm?token=abc\r\n"} {
		if !strings.Contains(m.data, want) {
			t.Errorf("data lacks %q:\n%s", want, m.data)
		}
	}
}

func TestSMTPStartTLSAndAuth(t *testing.T) {
	srvTLS, pool := selfSigned(t)
	f := startFake(t, srvTLS)
	s := &SMTP{Addr: f.ln.Addr().String(), From: "muni@example.org", User: "relay", Password: "s3cret",
		TLS: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}}
	if err := s.Send(context.Background(), Message{To: "a@example.org", Subject: "Hi", Text: "body"}); err != nil {
		t.Fatal(err)
	}
	<-f.done
	got := f.messages()
	if len(got) != 1 || !got[0].tls {
		t.Fatalf("want one message over TLS, got %+v", got)
	}
	if got[0].auth != "\x00relay\x00s3cret" {
		t.Errorf("auth = %q", got[0].auth)
	}
}

func TestSMTPRejectsUntrustedCertificate(t *testing.T) {
	srvTLS, _ := selfSigned(t)
	f := startFake(t, srvTLS)
	s := &SMTP{Addr: f.ln.Addr().String(), From: "muni@example.org"}
	if err := s.Send(context.Background(), Message{To: "a@example.org", Subject: "Hi", Text: "x"}); err == nil {
		t.Fatal("a self-signed relay certificate was trusted")
	}
	if n := len(f.messages()); n != 0 {
		t.Fatalf("%d messages delivered", n)
	}
}

func TestHeaderInjectionRefused(t *testing.T) {
	f := startFake(t, nil)
	s := &SMTP{Addr: f.ln.Addr().String(), From: "muni@example.org"}
	for _, m := range []Message{
		{To: "a@example.org", Subject: "x\r\nBcc: evil@example.org", Text: "x"},
		{To: "a@example.org\r\nBcc: evil@example.org", Subject: "x", Text: "x"},
		{To: "not an address", Subject: "x", Text: "x"},
	} {
		if err := s.Send(context.Background(), m); err == nil {
			t.Errorf("sent %+v", m)
		}
	}
	if n := len(f.messages()); n != 0 {
		t.Fatalf("%d messages delivered", n)
	}
}

func TestLogSenderPrintsLinks(t *testing.T) {
	var buf bytes.Buffer
	s := New(Config{}, slog.New(slog.NewTextHandler(&buf, nil)))
	if _, ok := s.(*LogSender); !ok {
		t.Fatalf("no relay configured, got %T", s)
	}
	err := s.Send(context.Background(), Message{To: "a@example.org", Subject: "Reset",
		Text: "Go to https://muni.example/password/reset?token=xyz. Then https://muni.example/login"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `links="https://muni.example/password/reset?token=xyz https://muni.example/login"`) {
		t.Errorf("log lacks the link: %s", buf.String())
	}
	if _, ok := New(Config{SMTPAddr: "127.0.0.1:25"}, nil).(*SMTP); !ok {
		t.Error("relay configured but no SMTP sender")
	}
}
