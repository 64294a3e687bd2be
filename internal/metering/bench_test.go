package metering

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/paho"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

// The ingest benchmarks report readings/s through each path beside the
// raw-insert ceiling of the same engine in the same run:
//
//	go test ./internal/metering -run '^$' -bench 'Ingest|RawInsert' -benchtime 20x
//
// Each iteration is one batch of benchBatch readings over benchDevices
// meters, every reading new.

const (
	benchDevices = 1000
	benchBatch   = 5000
)

// benchWorld is a registry of benchDevices meters with one channel each.
func benchWorld(b *testing.B, e db.Engine) (*Service, *db.DB, *clock, []int64) {
	b.Helper()
	d := testdb.Open(b, e, sets...)
	s, c := newService(b, d)
	ctx := context.Background()
	var nets, points, devs, inst, chans strings.Builder
	nets.WriteString("code,resource,name\nW,water,w\n")
	points.WriteString("code,network,name,role\n")
	devs.WriteString("serial\n")
	inst.WriteString("device,point,from\n")
	chans.WriteString("device,name,quantity,unit,kind\n")
	for i := 0; i < benchDevices; i++ {
		fmt.Fprintf(&points, "P%d,W,p,consumer\n", i)
		fmt.Fprintf(&devs, "D%d\n", i)
		fmt.Fprintf(&inst, "D%d,P%d,2026-01-01\n", i, i)
		fmt.Fprintf(&chans, "D%d,v,volume,m3,cumulative\n", i)
	}
	for _, f := range [][2]string{{"networks", nets.String()}, {"points", points.String()}, {"devices", devs.String()}, {"installations", inst.String()}, {"channels", chans.String()}} {
		if _, err := s.Import(ctx, adminOf(muniA), muniA.ID, f[0], strings.NewReader(f[1])); err != nil {
			b.Fatal(err)
		}
	}
	var ids []int64
	rows, err := d.R(ctx).QueryContext(ctx, `SELECT id FROM metering_channels ORDER BY id`)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	return s, d, c, ids
}

// benchTime is the instant of reading i of batch n: each device gets
// a new 15-second step in every batch.
func benchTime(c *clock, n, i int) time.Time {
	step := n*(benchBatch/benchDevices) + i/benchDevices
	return c.t.Add(-200 * 24 * time.Hour).Add(time.Duration(step) * 15 * time.Second)
}

func reportRate(b *testing.B) {
	b.ReportMetric(float64(b.N*benchBatch)/b.Elapsed().Seconds(), "readings/s")
}

// BenchmarkRawInsert is the ceiling: the same rows written with the
// pipeline's own statements (multi-row INSERT on SQLite, COPY into the
// table on PostgreSQL) with no parsing, lookup or validation.
func BenchmarkRawInsert(b *testing.B) {
	for _, e := range testdb.Engines(b) {
		b.Run(string(e), func(b *testing.B) {
			s, d, c, ids := benchWorld(b, e)
			ctx := context.Background()
			b.ResetTimer()
			for n := 0; n < b.N; n++ {
				rows := make([]Reading, benchBatch)
				for i := range rows {
					rows[i] = Reading{ChannelID: ids[i%benchDevices], At: benchTime(c, n, i), Value: float64(i), Received: c.t}
				}
				slices.SortFunc(rows, func(a, b Reading) int { return cmp.Or(cmp.Compare(a.ChannelID, b.ChannelID), a.At.Compare(b.At)) })
				if e == db.SQLite {
					if err := d.InTx(ctx, func(ctx context.Context) error { _, err := insertRowsOn(ctx, d.Q(ctx), rows, true); return err }); err != nil {
						b.Fatal(err)
					}
					continue
				}
				if err := rawCopy(ctx, s, rows); err != nil {
					b.Fatal(err)
				}
			}
			reportRate(b)
		})
	}
}

// rawCopy is COPY straight into metering_readings.
func rawCopy(ctx context.Context, s *Service, rows []Reading) error {
	conn, err := s.db.Writer().Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		_, err := dc.(*stdlib.Conn).Conn().CopyFrom(ctx, pgx.Identifier{"metering_readings"}, []string{"channel_id", "ts_ms", "value", "quality", "source", "received_ms"},
			pgx.CopyFromSlice(len(rows), func(i int) ([]any, error) {
				r := rows[i]
				return []any{r.ChannelID, r.At.UnixMilli(), r.Value, int16(0), int16(2), r.Received.UnixMilli()}, nil
			}))
		return err
	})
}

// BenchmarkIngest is Ingest itself: lookup, validation and the write
// (COPY through a temporary table on PostgreSQL), no transport.
func BenchmarkIngest(b *testing.B) {
	for _, e := range testdb.Engines(b) {
		b.Run(string(e), func(b *testing.B) {
			s, _, c, _ := benchWorld(b, e)
			ctx := context.Background()
			b.ResetTimer()
			for n := 0; n < b.N; n++ {
				in := make([]Input, benchBatch)
				for i := range in {
					in[i] = Input{Device: fmt.Sprintf("D%d", i%benchDevices), Channel: "v", At: benchTime(c, n, i), Value: float64(i)}
				}
				res, err := s.Ingest(ctx, Batch{TenantID: muniA.ID, Source: SourceImport, Readings: in})
				if err != nil || res.Stored != benchBatch {
					b.Fatalf("%+v %v", res, err)
				}
			}
			reportRate(b)
		})
	}
}

// BenchmarkIngestHTTP posts CSV batches to POST /api/v1/readings over a
// real TCP connection, as an API key would. Bodies are made before the
// clock starts.
func BenchmarkIngestHTTP(b *testing.B) {
	for _, e := range testdb.Engines(b) {
		b.Run(string(e), func(b *testing.B) {
			s, _, c, _ := benchWorld(b, e)
			machine := &auth.Actor{Kind: auth.Machine, ID: "key", Grants: []auth.Grant{{Role: auth.RoleOperator, ScopeID: muniA.ID, ScopePath: muniA.Path}}}
			srv := httptest.NewServer(apiServer(b, s, map[string]*auth.Actor{"key": machine}))
			defer srv.Close()
			bodies := make([][]byte, b.N)
			for n := range bodies {
				var buf bytes.Buffer
				buf.WriteString("device,channel,ts,value\n")
				for i := 0; i < benchBatch; i++ {
					fmt.Fprintf(&buf, "D%d,v,%d,%d.5\n", i%benchDevices, benchTime(c, n, i).Unix(), i)
				}
				bodies[n] = buf.Bytes()
			}
			b.ResetTimer()
			for n := 0; n < b.N; n++ {
				req, _ := http.NewRequest("POST", srv.URL+"/api/v1/readings", bytes.NewReader(bodies[n]))
				req.Header.Set("Content-Type", "text/csv")
				req.Header.Set("X-Test-Actor", "key")
				resp, err := srv.Client().Do(req)
				if err != nil {
					b.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != 200 {
					b.Fatalf("status %d", resp.StatusCode)
				}
			}
			reportRate(b)
		})
	}
}

// BenchmarkIngestMQTT publishes SenML batches over MQTT (QoS 1) to the
// embedded broker from 4 devices at once; a publish returns when the
// broker acknowledges it, which it does after the commit.
func BenchmarkIngestMQTT(b *testing.B) {
	const clients = 4
	for _, e := range testdb.Engines(b) {
		b.Run(string(e), func(b *testing.B) {
			s, _, c, _ := benchWorld(b, e)
			ctx := context.Background()
			br, err := s.StartBroker("127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			defer br.Close()
			per := benchBatch / clients // readings per message
			pubs := make([]*paho.Client, clients)
			payloads := make([][][]byte, clients)
			for k := range pubs {
				dev, err := s.st.idByCode(ctx, "metering_devices", "serial", muniA.ID, fmt.Sprintf("D%d", k))
				if err != nil {
					b.Fatal(err)
				}
				token, err := s.IssueDeviceToken(ctx, adminOf(muniA), muniA.ID, dev)
				if err != nil {
					b.Fatal(err)
				}
				conn, err := net.Dial("tcp", br.Addr())
				if err != nil {
					b.Fatal(err)
				}
				pubs[k] = paho.NewClient(paho.ClientConfig{Conn: conn})
				if _, err := pubs[k].Connect(ctx, &paho.Connect{ClientID: fmt.Sprintf("bench-%d", k), CleanStart: true, KeepAlive: 30,
					UsernameFlag: true, Username: fmt.Sprintf("D%d", k), PasswordFlag: true, Password: []byte(token)}); err != nil {
					b.Fatal(err)
				}
				defer pubs[k].Disconnect(&paho.Disconnect{})
				for n := 0; n < b.N; n++ {
					var buf bytes.Buffer
					base := benchTime(c, n*per, 0)
					fmt.Fprintf(&buf, `[{"bn":"","bt":%d,"n":"v","v":0}`, base.Unix())
					for i := 1; i < per; i++ {
						fmt.Fprintf(&buf, `,{"n":"v","t":%d,"v":%d.5}`, i*15, i)
					}
					buf.WriteByte(']')
					payloads[k] = append(payloads[k], buf.Bytes())
				}
			}
			b.ResetTimer()
			var wg sync.WaitGroup
			for k := range pubs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for n := 0; n < b.N; n++ {
						if _, err := pubs[k].Publish(ctx, &paho.Publish{Topic: fmt.Sprintf("muni/alpha/v1/D%d/up", k), QoS: 1, Payload: payloads[k][n]}); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			b.StopTimer()
			if got := countReadings(b, s.db); got != b.N*per*clients {
				b.Fatalf("%d readings stored, want %d", got, b.N*per*clients)
			}
			reportRate(b)
		})
	}
}
