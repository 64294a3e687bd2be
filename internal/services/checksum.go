package services

import "strings"

// digitsOf returns the digits of s when s holds only digits and the usual
// separators (spaces, hyphens); ok is false otherwise.
func digitsOf(s string) (digits []int, ok bool) {
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits = append(digits, int(r-'0'))
		case r == ' ' || r == '-':
		default:
			return nil, false
		}
	}
	return digits, true
}

// ValidSNILS checks a SNILS (страховой номер индивидуального лицевого
// счёта): 11 digits whose last two are the checksum of the first nine
// (numbers up to 001-001-998 predate the checksum and are accepted).
func ValidSNILS(s string) bool {
	d, ok := digitsOf(s)
	if !ok || len(d) != 11 {
		return false
	}
	num := 0
	for _, v := range d[:9] {
		num = num*10 + v
	}
	if num <= 1001998 {
		return true
	}
	sum := 0
	for i, v := range d[:9] {
		sum += v * (9 - i)
	}
	check := sum % 101
	if check == 100 {
		check = 0
	}
	return check == d[9]*10+d[10]
}

// innCheck is the INN control digit over digits with weights.
func innCheck(d []int, weights []int) int {
	sum := 0
	for i, w := range weights {
		sum += d[i] * w
	}
	return sum % 11 % 10
}

// ValidINN checks an INN (ИНН): 10 digits for an organisation, 12 for a
// person, with the Federal Tax Service's control digits.
func ValidINN(s string) bool {
	d, ok := digitsOf(strings.TrimSpace(s))
	if !ok {
		return false
	}
	switch len(d) {
	case 10:
		return innCheck(d, []int{2, 4, 10, 3, 5, 9, 4, 6, 8}) == d[9]
	case 12:
		return innCheck(d, []int{7, 2, 4, 10, 3, 5, 9, 4, 6, 8}) == d[10] &&
			innCheck(d, []int{3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8}) == d[11]
	}
	return false
}

// ogrnCheck is the control digit of an OGRN (13 digits, mod 11) or an
// OGRNIP (15 digits, mod 13): the remainder of the leading digits as one
// number, its last digit.
func ogrnCheck(d []int, mod int) int {
	rem := 0
	for _, v := range d[:len(d)-1] {
		rem = (rem*10 + v) % mod
	}
	return rem % 10
}

// ValidOGRN checks a legal entity's OGRN (ОГРН, 13 digits).
func ValidOGRN(s string) bool {
	d, ok := digitsOf(strings.TrimSpace(s))
	return ok && len(d) == 13 && ogrnCheck(d, 11) == d[12]
}

// ValidOGRNIP checks an individual entrepreneur's OGRNIP (ОГРНИП, 15 digits).
func ValidOGRNIP(s string) bool {
	d, ok := digitsOf(strings.TrimSpace(s))
	return ok && len(d) == 15 && ogrnCheck(d, 13) == d[14]
}
