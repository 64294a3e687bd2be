package metering

import (
	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/db"
)

var sets = []db.Migrations{audit.Migrations, Migrations}
