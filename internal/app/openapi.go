package app

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"

	"github.com/muni-platform/muni/internal/appeals"
	"github.com/muni-platform/muni/internal/decisions"
	"github.com/muni-platform/muni/internal/identity"
	"github.com/muni-platform/muni/internal/metering"
	"github.com/muni-platform/muni/internal/participation"
	"github.com/muni-platform/muni/internal/services"
	"github.com/muni-platform/muni/internal/services/proactive"
	"github.com/muni-platform/muni/internal/territory"
	"github.com/muni-platform/muni/internal/transport"
	"github.com/muni-platform/muni/internal/workplace"
)

// openAPIFragments are the domains' OpenAPI 3.1 fragments ("paths" and
// "components.schemas"); add a domain's fragment here.
func openAPIFragments() map[string][]byte {
	return map[string][]byte{
		"workplace":      workplace.OpenAPI,
		"territory":      territory.OpenAPI,
		"identity":       identity.OpenAPI,
		"appeals":        appeals.OpenAPI,
		"participation":  participation.OpenAPI,
		"metering":       metering.OpenAPI,
		"metering-watch": metering.WatchOpenAPI,
		"transport":      transport.OpenAPI,
		"traffic":        transport.TrafficOpenAPI,
		"decisions":      decisions.OpenAPI,
		"services":       services.OpenAPI,
		"proactive":      proactive.OpenAPI,
	}
}

// OpenAPI assembles the document served at /api/v1/openapi.json from the
// shared parts (problem type, pagination, security) and every fragment.
func OpenAPI(version string) ([]byte, error) {
	paths := map[string]any{}
	schemas := map[string]any{
		"Problem": map[string]any{
			"type":        "object",
			"description": "RFC 9457 problem details. `type` is stable per error (/problems/<slug>).",
			"required":    []string{"type", "title", "status"},
			"properties": map[string]any{
				"type":       map[string]any{"type": "string", "format": "uri-reference", "example": "/problems/invalid-json"},
				"title":      map[string]any{"type": "string"},
				"status":     map[string]any{"type": "integer"},
				"detail":     map[string]any{"type": "string"},
				"instance":   map[string]any{"type": "string"},
				"request_id": map[string]any{"type": "string"},
				"errors":     map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}},
			},
		},
	}
	names := make([]string, 0)
	frags := openAPIFragments()
	for n := range frags {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		var f struct {
			Paths      map[string]any `json:"paths"`
			Components struct {
				Schemas map[string]any `json:"schemas"`
			} `json:"components"`
		}
		if err := json.Unmarshal(frags[name], &f); err != nil {
			return nil, fmt.Errorf("openapi: fragment %s: %w", name, err)
		}
		for p, v := range f.Paths {
			if _, dup := paths[p]; dup {
				return nil, fmt.Errorf("openapi: path %s defined twice (%s)", p, name)
			}
			paths[p] = v
		}
		for s, v := range f.Components.Schemas {
			if _, dup := schemas[s]; dup {
				return nil, fmt.Errorf("openapi: schema %s defined twice (%s)", s, name)
			}
			schemas[s] = v
		}
	}
	doc := map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "muni API",
			"version":     version,
			"description": "JSON API of muni, the digital municipality platform. Errors are RFC 9457 problem+json; lists use cursor pagination (`cursor`, `limit`, `next_cursor`); every response carries X-Request-ID.",
			"license":     map[string]any{"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
		},
		"servers":  []any{map[string]any{"url": "/"}},
		"security": []any{map[string]any{"bearer": []string{}}, map[string]any{"session": []string{}}},
		"paths":    paths,
		"components": map[string]any{
			"schemas": schemas,
			"securitySchemes": map[string]any{
				"bearer":      map[string]any{"type": "http", "scheme": "bearer", "description": "API key issued by a municipal administrator"},
				"session":     map[string]any{"type": "apiKey", "in": "cookie", "name": "muni_session"},
				"deviceToken": map[string]any{"type": "apiKey", "in": "header", "name": "Device-Token", "description": "a meter device's token (metering)"},
			},
			"responses": map[string]any{
				"Problem": map[string]any{
					"description": "An error",
					"content":     map[string]any{"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}},
				},
			},
			"parameters": map[string]any{
				"cursor": map[string]any{"name": "cursor", "in": "query", "schema": map[string]any{"type": "string"}, "description": "opaque cursor from next_cursor"},
				"limit":  map[string]any{"name": "limit", "in": "query", "schema": map[string]any{"type": "integer", "minimum": 1, "maximum": 100}},
			},
		},
	}
	return json.MarshalIndent(doc, "", "  ")
}

func (a *App) openAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	_, err := w.Write(a.openAPIDoc)
	return err
}
