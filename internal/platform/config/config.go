// Package config reads muni's settings once, from MUNI_* environment
// variables and an optional KEY=VALUE file, into a plain struct that is
// passed down explicitly. Nothing else in muni reads the environment.
package config

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Config holds every setting. The `env` tag names the variable, `default`
// its value when unset and `help` the line printed by `muni serve --help`.
type Config struct {
	Listen          string        `env:"MUNI_LISTEN" default:"127.0.0.1:8080" help:"address the HTTP server listens on"`
	DatabaseURL     string        `env:"MUNI_DATABASE_URL" default:"sqlite:./data/muni.db" help:"sqlite:PATH or postgres://user@host:port/db"`
	BaseURL         string        `env:"MUNI_BASE_URL" default:"" help:"public URL used in e-mails and links; empty means http://MUNI_LISTEN"`
	NATSURL         string        `env:"MUNI_NATS_URL" default:"" help:"NATS JetStream URL; empty means the in-process event bus"`
	NATSStream      string        `env:"MUNI_NATS_STREAM" default:"MUNI_EVENTS" help:"JetStream stream of this deployment (one per deployment sharing a NATS server)"`
	LogLevel        string        `env:"MUNI_LOG_LEVEL" default:"info" help:"debug, info, warn or error"`
	LogFormat       string        `env:"MUNI_LOG_FORMAT" default:"text" help:"text or json"`
	MaxBodyBytes    int64         `env:"MUNI_MAX_BODY_BYTES" default:"1048576" help:"largest request body accepted, in bytes"`
	PhotoMaxBytes   int64         `env:"MUNI_PHOTO_MAX_BYTES" default:"5242880" help:"largest photo file accepted with a report or appeal (up to 5 each), in bytes"`
	SessionIdle     time.Duration `env:"MUNI_SESSION_IDLE" default:"30m" help:"a session ends after this much inactivity"`
	SessionMax      time.Duration `env:"MUNI_SESSION_MAX" default:"12h" help:"a session ends this long after login, active or not"`
	SecureCookies   bool          `env:"MUNI_SECURE_COOKIES" default:"false" help:"mark cookies Secure even without MUNI_TLS_CERT or an https MUNI_BASE_URL (behind a TLS proxy)"`
	TLSCert         string        `env:"MUNI_TLS_CERT" default:"" help:"TLS certificate file; with MUNI_TLS_KEY serves HTTPS"`
	TLSKey          string        `env:"MUNI_TLS_KEY" default:"" help:"TLS private key file"`
	BallotKeyFile   string        `env:"MUNI_BALLOT_KEY_FILE" default:"" help:"ed25519 private key (PEM, PKCS #8: openssl genpkey -algorithm ed25519) that signs the ballot logs' checkpoints; set it before the first vote; empty keeps a generated key in the database"`
	LoginMaxFails   int           `env:"MUNI_LOGIN_MAX_FAILS" default:"5" help:"failed logins per account or IP before throttling"`
	LoginWindow     time.Duration `env:"MUNI_LOGIN_WINDOW" default:"15m" help:"window in which failed logins are counted"`
	MailMax         int           `env:"MUNI_MAIL_MAX" default:"10" help:"mails the public forms (registration, reset) may send per address or IP in MUNI_MAIL_WINDOW"`
	MailWindow      time.Duration `env:"MUNI_MAIL_WINDOW" default:"1h" help:"window in which public-form mails are counted"`
	LoginHistory    time.Duration `env:"MUNI_LOGIN_HISTORY" default:"4320h" help:"how long sign-in records are kept (152-FZ: no longer than needed)"`
	SMTPAddr        string        `env:"MUNI_SMTP_ADDR" default:"" help:"host:port of the SMTP relay; empty prints mail to the log"`
	SMTPUser        string        `env:"MUNI_SMTP_USER" default:"" help:"SMTP user name"`
	SMTPPassword    string        `env:"MUNI_SMTP_PASSWORD" default:"" help:"SMTP password"`
	SMTPFrom        string        `env:"MUNI_SMTP_FROM" default:"muni@localhost" help:"sender address of outgoing mail"`
	OIDCIssuer      string        `env:"MUNI_OIDC_ISSUER" default:"" help:"OIDC issuer URL (an ESIA broker such as Keycloak); empty disables"`
	OIDCClientID    string        `env:"MUNI_OIDC_CLIENT_ID" default:"" help:"OIDC client id"`
	OIDCSecret      string        `env:"MUNI_OIDC_CLIENT_SECRET" default:"" help:"OIDC client secret"`
	OIDCName        string        `env:"MUNI_OIDC_NAME" default:"Госуслуги" help:"label of the OIDC login button"`
	OIDCBirthClaim  string        `env:"MUNI_OIDC_BIRTH_CLAIM" default:"birthdate" help:"ID-token claim with the birth date (YYYY-MM-DD) that verifies a resident"`
	OIDCHomeClaim   string        `env:"MUNI_OIDC_RESIDENCE_CLAIM" default:"muni_residence_node" help:"ID-token claim with the territory node id of the residence the provider vouches for"`
	OIDCOKTMOClaim  string        `env:"MUNI_OIDC_OKTMO_CLAIM" default:"" help:"ID-token claim with the residence OKTMO code (e.g. oktmo), used when the residence claim is absent; empty disables"`
	DataDir         string        `env:"MUNI_DATA_DIR" default:"./data" help:"directory for uploads and backups"`
	ShutdownGrace   time.Duration `env:"MUNI_SHUTDOWN_GRACE" default:"15s" help:"how long in-flight requests may run at shutdown"`
	MQTTListen      string        `env:"MUNI_MQTT_LISTEN" default:"127.0.0.1:1884" help:"address of the MQTT broker embedded for meters and vehicles; off disables it"`
	MQTTURL         string        `env:"MUNI_MQTT_URL" default:"" help:"external MQTT broker for meters and vehicles (mqtt://user:pass@host:port); when set, uplinks and positions come from it and no broker is embedded"`
	MeteringRawDays int           `env:"MUNI_METERING_RAW_DAYS" default:"400" help:"days raw meter readings are kept (hourly and daily rollups are kept for ever); 0 keeps raw readings for ever"`
	FontDir         string        `env:"MUNI_FONT_DIR" default:"/usr/share/fonts/truetype/dejavu" help:"directory with DejaVuSans.ttf and DejaVuSans-Bold.ttf for PDF documents (Debian: fonts-dejavu-core)"`
}

// Load builds a Config from defaults, then the file (if path is not
// empty), then the environment, which wins.
func Load(path string, environ []string) (Config, error) {
	values := map[string]string{}
	if path != "" {
		f, err := os.Open(path)
		if err != nil {
			return Config{}, fmt.Errorf("config: %w", err)
		}
		defer f.Close()
		if err := parseFile(f, values); err != nil {
			return Config{}, fmt.Errorf("config: %s: %w", path, err)
		}
	}
	for _, kv := range environ {
		k, v, ok := strings.Cut(kv, "=")
		if ok && strings.HasPrefix(k, "MUNI_") {
			values[k] = v
		}
	}
	var c Config
	rv := reflect.ValueOf(&c).Elem()
	for i, f := range fields() {
		raw, ok := values[f.Env]
		if !ok {
			raw = f.Default
		}
		if err := set(rv.Field(i), raw); err != nil {
			return Config{}, fmt.Errorf("config: %s=%q: %w", f.Env, raw, err)
		}
	}
	return c, c.validate()
}

func (c Config) validate() error {
	if !strings.HasPrefix(c.DatabaseURL, "sqlite:") && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		return fmt.Errorf("config: MUNI_DATABASE_URL must start with sqlite: or postgres://")
	}
	if c.MaxBodyBytes <= 0 {
		return fmt.Errorf("config: MUNI_MAX_BODY_BYTES must be positive")
	}
	if c.PhotoMaxBytes <= 0 {
		return fmt.Errorf("config: MUNI_PHOTO_MAX_BYTES must be positive")
	}
	if c.MeteringRawDays < 0 {
		return fmt.Errorf("config: MUNI_METERING_RAW_DAYS must be 0 (keep for ever) or a number of days")
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return fmt.Errorf("config: MUNI_TLS_CERT and MUNI_TLS_KEY go together")
	}
	return nil
}

// Secure reports whether cookies must carry the Secure flag: when muni
// serves TLS itself, when its public URL is https, or when told so.
func (c Config) Secure() bool {
	return c.SecureCookies || c.TLSCert != "" || strings.HasPrefix(c.BaseURL, "https://")
}

// PublicURL is the base URL for links in mail and redirects.
func (c Config) PublicURL() string {
	if c.BaseURL != "" {
		return strings.TrimRight(c.BaseURL, "/")
	}
	scheme := "http"
	if c.TLSCert != "" {
		scheme = "https"
	}
	return scheme + "://" + c.Listen
}

// Field describes one setting for help output.
type Field struct{ Env, Default, Help string }

// Fields lists every setting in declaration order.
func Fields() []Field { return fields() }

func fields() []Field {
	t := reflect.TypeOf(Config{})
	out := make([]Field, t.NumField())
	for i := range out {
		sf := t.Field(i)
		out[i] = Field{sf.Tag.Get("env"), sf.Tag.Get("default"), sf.Tag.Get("help")}
	}
	return out
}

// Usage writes the settings table to w.
func Usage(w io.Writer) {
	fmt.Fprintln(w, "Settings (environment variables or KEY=VALUE lines in the file given by -config):")
	for _, f := range fields() {
		d := f.Default
		if d == "" {
			d = `""`
		}
		fmt.Fprintf(w, "  %-24s %s (default %s)\n", f.Env, f.Help, d)
	}
}

func parseFile(r io.Reader, into map[string]string) error {
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return fmt.Errorf("line %d: want KEY=VALUE", n)
		}
		k = strings.TrimSpace(k)
		if !strings.HasPrefix(k, "MUNI_") {
			return fmt.Errorf("line %d: unknown key %q", n, k)
		}
		into[k] = strings.Trim(strings.TrimSpace(v), `"`)
	}
	return sc.Err()
}

func set(v reflect.Value, raw string) error {
	switch v.Interface().(type) {
	case string:
		v.SetString(raw)
	case time.Duration:
		d, err := time.ParseDuration(raw)
		if err != nil {
			return err
		}
		v.SetInt(int64(d))
	case bool:
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return err
		}
		v.SetBool(b)
	case int, int64:
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return err
		}
		v.SetInt(n)
	default:
		return fmt.Errorf("unsupported type %s", v.Type())
	}
	return nil
}
