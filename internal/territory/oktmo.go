package territory

import "strings"

// OKTMO codes (Общероссийский классификатор территорий муниципальных
// образований) have 8 digits for a subject or a municipal formation and 11
// for a locality inside a formation. Digits 1–2 name the subject; an
// autonomous okrug inside a kray or oblast adds an 8 or 9 as digit 3.

// CheckOKTMO returns the i18n key of what is wrong with code for a node of
// kind k under a parent of kind parentKind with code parentCode ("" for a
// root), or "" when the code fits. It checks the format and that the code
// continues its parent's significant prefix; CheckParent checks the kinds.
func CheckOKTMO(code string, k Kind, parentKind Kind, parentCode string) string {
	if !allDigits(code) || (len(code) != 8 && len(code) != 11) {
		return "territory.oktmo.format"
	}
	switch {
	case k == KindSubject:
		return checkSubjectCode(code)
	case k == KindLocality:
		if len(code) != 11 {
			return "territory.oktmo.locality_length"
		}
		if code[8:] == "000" {
			return "territory.oktmo.locality_suffix"
		}
	case len(code) != 8:
		return "territory.oktmo.municipal_length"
	}
	if parentCode == "" || !parentKind.Valid() {
		return "" // no parent to compare with; CheckParent reports the missing parent
	}
	if !strings.HasPrefix(code, significantPrefix(parentKind, parentCode, k)) {
		return "territory.oktmo.prefix"
	}
	return checkOwnDigits(code, k, parentKind, parentCode)
}

func checkSubjectCode(code string) string {
	if len(code) == 8 && (code[2:] == "000000" || (code[2] == '8' || code[2] == '9') && code[3:] == "00000") {
		return ""
	}
	return "territory.oktmo.subject"
}

// checkOwnDigits makes sure a formation adds digits of its own at the
// level where the classifier puts them.
func checkOwnDigits(code string, k, parentKind Kind, parentCode string) string {
	if k == KindLocality {
		return ""
	}
	if parentKind == KindSubject {
		if code[5:8] != "000" {
			return "territory.oktmo.municipal_suffix"
		}
		if code[:5] == parentCode[:5] {
			return "territory.oktmo.same_as_parent"
		}
		return ""
	}
	if code[5:8] == "000" {
		return "territory.oktmo.settlement_suffix"
	}
	return ""
}

// significantPrefix is the part of the parent's code every child's code
// repeats: the subject's 2 (or 3) digits, a district's or okrug's first 5,
// an urban okrug's first 5 for its intracity districts, and otherwise the
// formation's 8 digits for its localities.
func significantPrefix(parentKind Kind, parentCode string, child Kind) string {
	n := 8
	switch parentKind {
	case KindSubject:
		n = len(SubjectPrefix(parentCode))
	case KindMunicipalDistrict, KindMunicipalOkrug:
		n = 5
	case KindUrbanOkrug:
		if child == KindIntracityTerritory {
			n = 5
		}
	}
	if n > len(parentCode) {
		n = len(parentCode)
	}
	return parentCode[:n]
}

// SubjectPrefix is the significant part of a subject's code: two digits,
// or three for an autonomous okrug inside a kray or oblast (71800000).
func SubjectPrefix(code string) string {
	if len(code) >= 3 && code[2] != '0' {
		return code[:3]
	}
	if len(code) >= 2 {
		return code[:2]
	}
	return code
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
