// Package territory holds the territory tree that every other domain hangs
// its data on: federal subjects, the municipal formations inside them (each
// one a tenant) and their settlements, with OKTMO codes, names in Russian
// and English, time zones, boundaries and URL slugs. It also keeps the
// structural units (departments) of each municipal administration, imports
// the open city list that ships with muni, and seeds the demo region.
package territory
