package services

import "testing"

func TestChecksums(t *testing.T) {
	for _, tc := range []struct {
		check Check
		value string
		ok    bool
	}{
		{CheckSNILS, "112-233-445 95", true},
		{CheckSNILS, "11223344595", true},
		{CheckSNILS, "112-233-445 96", false}, // wrong check number
		{CheckSNILS, "112-233-445", false},    // too short
		{CheckSNILS, "112-233-44a 95", false}, // a letter
		{CheckSNILS, "087-654-303 00", true},  // sum 101: check number 00
		{CheckSNILS, "001-001-998 00", true},  // issued before the checksum
		{CheckINN, "7707083893", true},        // a legal entity: 10 digits
		{CheckINN, "7707083894", false},
		{CheckINN, "500100732259", true}, // a person: 12 digits
		{CheckINN, "500100732258", false},
		{CheckINN, "50010073225", false}, // 11 digits
		{CheckINN, "", false},
		{CheckOGRN, "1027700132195", true},
		{CheckOGRN, "1027700132194", false},
		{CheckOGRN, "102770013219", false},
		{CheckOGRNIP, "304500116000157", true},
		{CheckOGRNIP, "304500116000158", false},
		{CheckOGRNAny, "1027700132195", true},
		{CheckOGRNAny, "304500116000157", true},
		{CheckOGRNAny, "304500116000150", false},
	} {
		got := checksum(tc.check, tc.value) == ""
		if got != tc.ok {
			t.Errorf("%s %q: valid = %v, want %v", tc.check, tc.value, got, tc.ok)
		}
	}
}
