package identity

import "strings"

// Name lists for demo residents: common Russian first names and surnames,
// combined deterministically so every demo run yields the same people.
var (
	demoMaleFirst   = strings.Fields("Александр Алексей Андрей Антон Артём Борис Вадим Василий Виктор Владимир Геннадий Георгий Григорий Дмитрий Евгений Егор Иван Игорь Илья Кирилл Константин Леонид Максим Михаил Никита Николай Олег Павел Пётр Роман Семён Сергей Станислав Степан Тимофей Юрий Ярослав")
	demoFemaleFirst = strings.Fields("Александра Алина Алла Анастасия Анна Валентина Валерия Вера Виктория Галина Дарья Евгения Екатерина Елена Елизавета Ирина Ксения Лариса Любовь Людмила Маргарита Марина Мария Надежда Наталья Нина Ольга Полина Светлана Софья Татьяна Юлия")
	demoSurnames    = strings.Fields("Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов Волков Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев Макаров Никитин Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв Сергеев Кузьмин Фролов Александров Дмитриев Королёв Гусев Киселёв Ильин Максимов Поляков Сорокин Виноградов Ковалёв Белов Медведев Антонов Тарасов Жуков Баранов Филиппов Комаров Давыдов Беляев Герасимов Богданов Осипов Сидоров")
)

var translit = map[rune]string{'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh", 'з': "z",
	'и': "i", 'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u",
	'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu", 'я': "ya"}

// latin transliterates a Russian word for demo e-mail addresses.
func latin(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if t, ok := translit[r]; ok {
			b.WriteString(t)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// demoPerson is the i-th demo resident's name, first name then surname.
func demoPerson(i int) (first, last string) {
	last = demoSurnames[(i*7)%len(demoSurnames)]
	if i%2 == 0 {
		return demoMaleFirst[(i/2*5)%len(demoMaleFirst)], last
	}
	// Feminine surnames take -а: Иванов → Иванова.
	return demoFemaleFirst[(i/2*3)%len(demoFemaleFirst)], last + "а"
}
