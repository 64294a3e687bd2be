package transport

import (
	"embed"
	"io/fs"
)

//go:embed traffic_locales/locales/*.json
var trafficLocaleFS embed.FS

// TrafficLocales are the messages of road traffic and road works, kept
// apart from locales/ so two people can edit them at once; load them
// like Locales (Catalog.Load(TrafficLocales, "locales")).
var TrafficLocales = func() fs.FS {
	sub, err := fs.Sub(trafficLocaleFS, "traffic_locales")
	if err != nil {
		panic(err)
	}
	return sub
}()

// TrafficOpenAPI is the fragment of the API document for the road
// segments and road works routes: "paths" and "components.schemas".
//
//go:embed traffic_openapi.json
var TrafficOpenAPI []byte
