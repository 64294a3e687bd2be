// Package metering is the municipality's utility metering: the registry of
// its heat, water, power and gas networks, and the readings their meters
// send.
//
// The registry (registry.go) holds networks per resource; zones (district
// metered areas, feeders, heat circuits) defined by signed boundary
// metering points (+1 in, −1 out); objects (buildings, pumping stations,
// substations, boiler houses); metering points, the logical places stable
// across meter swaps; devices with their calibration and seal; the
// installations of devices on points; and channels, the registers of a
// device (quantity, unit, kind, multiplier, register digits, direction).
// Every entity can be loaded from a CSV file (import.go), all or nothing.
//
// Readings arrive over MQTT (an embedded broker or an external one), over
// HTTP (POST /api/v1/readings: JSON, NDJSON or CSV) and through the web
// (an official's form, a resident's own meter). Every path feeds one
// validated batch pipeline (Ingest in ingest.go): each reading is accepted
// or rejected with a reason, the accepted ones are written in one
// transaction idempotently on (channel, timestamp) — duplicates ignored,
// out-of-order and late data kept — with a quality flag and its source,
// and a batch is acknowledged only after its commit.
//
// MQTT: the broker embedded in muni serve (mqtt_broker.go) admits a
// device whose user name is its id or serial and whose password is its
// token (token.go), lets it publish only to its own uplink
// muni/<municipality slug, OKTMO or id>/v1/<device id or serial>/up, and
// stores each message inside the broker's publish hook, so the PUBACK
// leaves only after the commit (an inline-client subscriber would be
// acknowledged before it stored anything). With an external broker
// (mqtt_client.go) muni takes a shared subscription and acknowledges by
// hand after the commit. Unreadable payloads and refused readings are
// logged and counted per device (muni_metering_mqtt_bad_payloads_total).
// HTTP devices send their token in the Device-Token header; API keys and
// officials use the usual Authorization and session.
//
// Tables: metering_networks, metering_objects, metering_zones,
// metering_zone_points, metering_points, metering_devices,
// metering_installations, metering_channels (integer ids) and
// metering_readings (channel_id, ts_ms, value, quality, source,
// received_ms; PRIMARY KEY (channel_id, ts_ms)).
package metering
