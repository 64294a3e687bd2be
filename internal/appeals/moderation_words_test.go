package appeals

import (
	"strings"
	"testing"
)

func TestObscenityFlags(t *testing.T) {
	flagged := []string{
		"хуй", "Хуй знает что", "на хуй такую дорогу", "нахуй", "похуй", "нихуя не сделали", "охуели совсем",
		"хуёвая дорога", "ХУЁВАЯ", "xyй", "XУЙ", "хууууууй", "х.у.й", "х-у-й", "х у й", "х_у_й",
		"пизда", "пиздец полный", "спиздили люк", "распиздяи", "п и з д е ц", "пи3дец", "pizdets", "pizda",
		"ебать", "ёбаный стыд", "заебали", "наебали жителей", "уебок", "выебываются", "съебались", "долбоёбы",
		"проебали бюджет", "ебучая яма", "3аебали",
		"блядь", "бля", "блять", "бляди", "выблядки", "blyad", "БЛЯДЬ!!!",
		"мудак", "мудаки", "мудила", "пидор", "пидорас", "педик",
		"сука", "cyka", "суки", "сучара", "ублюдок", "мразь", "дебилы", "идиоты", "уроды", "гондон", "залупа",
		"nahuy", "nahui", "huy", "hui tam", "говно во дворе", "засранцы",
		"fuck", "FUCK YOU", "f.u.c.k", "fuuuuck", "motherfucker", "fucking road", "shit", "bullshit", "asshole",
		"bitch", "cunt", "dick", "whore", "fuсk", // Cyrillic с
		"дорога,хуй", "(пиздец)", "«хуйня»",
	}
	o := DefaultObscenity()
	for _, s := range flagged {
		if o.Match(s) == "" {
			t.Errorf("not flagged: %q", s)
		}
	}
}

func TestObscenityLeavesOrdinaryWords(t *testing.T) {
	clean := []string{
		"страхование", "страхую", "застрахуй машину", "подстраховать", "психология", "психушка", "оскорблять",
		"оскорбление", "употреблять", "употребляю", "рубля", "корабля", "хлеб", "небо", "тебе", "себе", "ребенок",
		"требовать", "колебания", "погребальный", "загребать", "ущерб", "мудрый", "премудрость", "мудрёный",
		"педикюр", "педиатр", "бляха", "бляшка", "сукно", "сучок", "без сучка и задоринки", "мандарин", "мандат",
		"сравнение", "сражение", "странный", "худой", "художник", "хутор", "хурма", "хулиган", "хуже", "ухудшение",
		"похудеть", "чихуахуа", "Хуанхэ", "ебонит", "уродливый", "дебет", "гнездо", "скотч",
		"Scunthorpe", "shiitake", "Dickens", "cocktail", "class", "assess", "passage", "hue", "Niger", "Nigeria",
		"Fukushima", "peacock", "document", "hello", "help",
		"Яма на дороге у дома 12, машины бьют колёса.", "Не горит фонарь во дворе по улице Ленина, 5.",
		"Контейнеры переполнены, мусор не вывозят вторую неделю.", "Сосулька над входом в подъезд.",
		"Прошу проверить законность начисления платы за содержание жилья.", "The streetlight is broken.",
		"Перебои с водой", "перебить", "перебор", "выбоина", "ул. Хулиганова", "дом 23", "кв. 3",
	}
	o := DefaultObscenity()
	for _, s := range clean {
		if w := o.Match(s); w != "" {
			t.Errorf("%q flagged for %q", s, w)
		}
	}
}

func TestParseObscenityRefusesBadLists(t *testing.T) {
	for _, list := range []string{"stem ху", "wat: x", "stem: (", "prefix:"} {
		if _, err := ParseObscenity(list); err == nil {
			t.Errorf("%q accepted", list)
		}
	}
	o, err := ParseObscenity("stem: плох\nexcept: плохое")
	if err != nil {
		t.Fatal(err)
	}
	if o.Match("очень плохо") == "" || o.Match("Плохое") != "" {
		t.Error("a custom list is not applied")
	}
}

func TestObscenityReturnsTheWordAsWritten(t *testing.T) {
	if w := DefaultObscenity().Match("Опять   х.у.й на заборе"); w != "х.у.й" {
		t.Errorf("got %q", w)
	}
	if w := DefaultObscenity().Match("это х у й знает"); !strings.Contains(w, "х у й") {
		t.Errorf("got %q", w)
	}
}
