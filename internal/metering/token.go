package metering

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"strings"

	"github.com/muni-platform/muni/internal/platform/auth"
)

// A device's secret is "mdev_<device id>_<random>": the id finds the
// device, the whole token is compared by its SHA-256 hash, and only the
// hash is stored. The same token is the MQTT password and the HTTP
// Device-Token header.
const tokenPrefix = "mdev_"

func hashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// IssueDeviceToken gives a device a new secret, replacing any old one,
// and returns it: it is shown once.
func (s *Service) IssueDeviceToken(ctx context.Context, a *auth.Actor, muniID, deviceID string) (string, error) {
	token := tokenPrefix + deviceID + "_" + auth.NewToken(24)
	err := s.inRegistry(ctx, a, muniID, func(ctx context.Context, tenant string) error {
		t, _, err := s.st.deviceToken(ctx, deviceID)
		if err != nil || t != tenant {
			return ErrNotFound
		}
		if err := s.st.setDeviceToken(ctx, deviceID, hashToken(token)); err != nil {
			return err
		}
		return s.record(ctx, "device.token", "metering_device", deviceID, tenant, nil)
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// DeviceIdentity is a device that proved itself with its token.
type DeviceIdentity struct {
	ID       string
	TenantID string
}

// errBadToken is a device token that is malformed, unknown or wrong.
var errBadToken = errors.New("metering: bad device token")

// AuthenticateDevice checks a device token and returns whose it is.
func (s *Service) AuthenticateDevice(ctx context.Context, token string) (DeviceIdentity, error) {
	rest, ok := strings.CutPrefix(token, tokenPrefix)
	id, _, found := strings.Cut(rest, "_") // ids have no "_"; the secret may
	if !ok || !found || id == "" || len(token) > 200 {
		return DeviceIdentity{}, errBadToken
	}
	tenant, hash, err := s.st.deviceToken(ctx, id)
	if errors.Is(err, ErrNotFound) || (err == nil && hash == "") {
		return DeviceIdentity{}, errBadToken
	}
	if err != nil {
		return DeviceIdentity{}, err
	}
	if subtle.ConstantTimeCompare([]byte(hash), []byte(hashToken(token))) != 1 {
		return DeviceIdentity{}, errBadToken
	}
	return DeviceIdentity{ID: id, TenantID: tenant}, nil
}

// deviceNames returns a device's id and serial, the names its MQTT topic
// may use.
func (st *store) deviceNames(ctx context.Context, id string) (serial string, err error) {
	err = st.db.R(ctx).QueryRowContext(ctx, `SELECT serial FROM metering_devices WHERE id = $1`, id).Scan(&serial)
	return serial, err
}
