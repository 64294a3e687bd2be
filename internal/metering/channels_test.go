package metering

import (
	"context"
	"testing"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

// The batch lookup answers every key as the single lookup does: by id or
// serial, unknown devices and channels, devices never installed and
// devices taken off their point, other municipalities' devices.
func TestChannelRefsMatchSingleLookups(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := newService(t, d)
		w := seed(t, s, muniA, "SN-1")
		seed(t, s, muniB, "SN-B")
		a := adminOf(muniA)
		if _, err := s.CreateDevice(ctx, a, muniA.ID, DeviceInput{Serial: "SN-SHELF"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateChannel(ctx, a, muniA.ID, ChannelInput{Device: "SN-SHELF", Name: "v", Quantity: "volume", Unit: "m3", Kind: "cumulative"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateDevice(ctx, a, muniA.ID, DeviceInput{Serial: "SN-OLD"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreatePoint(ctx, a, muniA.ID, PointInput{Code: "P2", Network: "W", Name: "p2", Role: RoleConsumer}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Install(ctx, a, muniA.ID, InstallationInput{Device: "SN-OLD", Point: "P2", From: t0}); err != nil {
			t.Fatal(err)
		}
		if err := s.RemoveDevice(ctx, a, muniA.ID, RemovalInput{Device: "SN-OLD", To: c.t.AddDate(0, 0, -1)}); err != nil {
			t.Fatal(err)
		}
		var keys []channelKey
		for _, dev := range []string{"SN-1", w.deviceID, "SN-SHELF", "SN-OLD", "SN-B", "nobody"} {
			for _, name := range []string{"v", "q", "none"} {
				keys = append(keys, channelKey{tenant: muniA.ID, device: dev, name: name})
			}
		}
		keys = append(keys, channelKey{tenant: muniB.ID, device: "SN-B", name: "v"}, channelKey{tenant: muniB.ID, device: "SN-1", name: "v"})
		got, err := s.st.channelRefs(ctx, keys)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(keys) {
			t.Fatalf("%d refs for %d keys", len(got), len(keys))
		}
		for _, k := range keys {
			want, err := s.st.channelRef(ctx, k)
			if err != nil {
				t.Fatal(err)
			}
			if got[k] != want {
				t.Errorf("%+v: batch %+v, single %+v", k, got[k], want)
			}
		}
		if r := got[channelKey{muniA.ID, "SN-1", "v"}]; r.id != w.channel || r.installed != t0.UnixMilli() || r.removed != -1 {
			t.Errorf("installed device's channel %+v", r)
		}
		if r := got[channelKey{muniA.ID, "SN-OLD", "none"}]; r.deviceID == "" || r.id != 0 || r.removed < 0 {
			t.Errorf("removed device, unknown channel %+v", r)
		}
		if r := got[channelKey{muniA.ID, "SN-B", "v"}]; r.deviceID != "" {
			t.Errorf("another municipality's device was found: %+v", r)
		}
	})
}
