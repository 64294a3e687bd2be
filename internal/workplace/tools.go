package workplace

import "context"

// Tool is one page an administrator works in; Label and Hint are i18n keys.
type Tool struct {
	Label, Hint, URL string
}

// ToolSet is the tools of one municipality the actor administers.
type ToolSet struct {
	Municipality string // its name in the request's language
	Slug         string
	Tools        []Tool
}

// Toolbox lists, for the actor in ctx, the municipalities they administer
// and each one's tools. The app assembles it from every domain's pages, so
// the administration index is where an administrator finds all of them.
type Toolbox interface {
	Tools(ctx context.Context) ([]ToolSet, error)
}

// UseToolbox sets the source of the administration index's per-municipality
// tools.
func (s *Service) UseToolbox(t Toolbox) { s.tools = t }
