package appeals

import (
	"fmt"
	"strings"
)

// demoStreets are the streets of the demo town when its municipality
// names none: the ones nearly every Russian town has.
var demoStreets = []string{"ул. Ленина", "ул. Советская", "ул. Садовая", "ул. Молодёжная", "ул. Школьная", "пр. Мира",
	"ул. Гагарина", "ул. Набережная", "ул. Пушкина", "ул. Строителей", "ул. Заводская", "ул. Комсомольская",
	"Привокзальная пл.", "ул. Лесная", "ул. Победы", "пер. Почтовый"}

// demoPlaces are landmarks a resident names.
var demoPlaces = []string{"остановки «Школа»", "поликлиники", "детского сада № 3", "магазина «Пятёрочка»", "почты",
	"стадиона", "Дома культуры", "рынка", "вокзала", "аптеки", "школы № 2", "МФЦ"}

// demoTemplates are residents' texts per category with {street}, {house},
// {place}, {n} (a small count) and {days} filled in; "appeal" holds the
// formal appeals.
var demoTemplates = map[string][]string{
	"pothole": {
		"Глубокая яма на проезжей части у {place}, машины объезжают по встречной.",
		"Провал асфальта во дворе дома {house} по {street}, после дождя не видно глубины.",
		"На {street} у дома {house} яма почти на всю полосу, вчера повредил колесо.",
		"Выбоины на пешеходном переходе у {place}, с коляской не пройти.",
		"После ремонта теплотрассы у дома {house} асфальт так и не восстановили, уже {days} дней.",
		"Просел люк на проезжей части {street}, машины бьют подвеску.",
	},
	"streetlight": {
		"Уже {days} дней не горят {n} фонаря вдоль дороги к {place}.",
		"Фонарь у подъезда дома {house} по {street} мигает и гаснет по вечерам.",
		"На {street} от дома {house} до перекрёстка совсем темно, не горит ни один фонарь.",
		"Горит днём и не горит ночью фонарь у {place}.",
		"Оборван провод уличного освещения у дома {house}, висит низко над тротуаром.",
	},
	"garbage": {
		"Контейнерная площадка у дома {house} по {street} переполнена, мусор не вывозят {days} дня.",
		"За гаражами у {place} образовалась свалка строительного мусора.",
		"Возле {place} разбросан мусор из перевёрнутых контейнеров, его растаскивают собаки.",
		"Не вывезли крупногабаритный мусор: старая мебель стоит у дома {house} по {street} больше недели.",
		"Урны на остановке у {place} не очищаются, мусор лежит вокруг.",
	},
	"yard": {
		"Сломаны качели на детской площадке во дворе дома {house} по {street}, торчит арматура.",
		"Во дворе дома {house} разрушена скамейка и нет ни одной урны.",
		"Упало дерево во дворе дома {house} по {street}, перегородило проезд.",
		"На детской площадке у {place} разбита горка, острые края.",
		"Во дворе дома {house} после ремонта сетей не восстановили газон и бордюр.",
	},
	"snow": {
		"Тротуар у {place} не очищен от наледи, люди падают.",
		"Снег с крыши дома {house} по {street} навис над входом в подъезд.",
		"Двор дома {house} по {street} не чистят {days} дня, машины не могут выехать.",
		"Сосульки над тротуаром на {street} у дома {house}, место не огорожено.",
		"Остановку у {place} завалило снегом, к автобусу не подойти.",
	},
	"heating": {
		"В квартирах {n}-го подъезда дома {house} по {street} холодные батареи со вчерашнего вечера.",
		"Нет горячей воды во всём доме {house} по {street} уже {days} дня.",
		"Температура в квартире 15 градусов, батареи еле тёплые. Дом {house}, {street}.",
		"В подвале дома {house} по {street} прорвало трубу отопления, идёт пар.",
	},
	"appeal": {
		"Прошу рассмотреть возможность установки пешеходного перехода у {place}.",
		"Прошу сообщить, когда будет отремонтирована дорога по {street}.",
		"Жалуюсь на бездействие управляющей компании дома {house} по {street}: крыша протекает уже {days} дней.",
		"Предлагаю установить освещение и скамейки в сквере у {place}.",
		"Прошу проверить законность начисления платы за вывоз мусора жильцам дома {house} по {street}.",
		"Прошу продлить маршрут автобуса до {place}: жителям {street} приходится идти пешком больше километра.",
		"Жалоба: на моё обращение о ремонте подъезда дома {house} не ответили в установленный срок.",
		"Прошу организовать вывоз веток после обрезки деревьев у дома {house} по {street}.",
		"Предлагаю оборудовать площадку для выгула собак рядом с {place}.",
		"Прошу принять меры к владельцу незаконной парковки на газоне у дома {house} по {street}.",
	},
}

// demoRude are texts the moderation detector holds: the demo's queue has
// something to decide. Abusive, not obscene — the demo is public.
var demoRude = []string{
	"Уроды из управляющей компании опять не вывезли мусор у дома {house}!",
	"Дебилы, когда уже засыплете яму на {street}?",
}

// demoStreet is the i-th demo street of m.
func demoStreet(m DemoMunicipality, i int) string {
	streets := m.Streets
	if len(streets) == 0 {
		streets = demoStreets
	}
	return streets[(i*7)%len(streets)]
}

// demoText fills the i-th template of code for m, varying every slot
// independently so the texts do not repeat in step.
func demoText(m DemoMunicipality, code string, i int) string {
	ts := demoTemplates[code]
	t := ts[(i/3)%len(ts)]
	if code != "appeal" && i%41 == 17 {
		t = demoRude[(i/41)%len(demoRude)]
	}
	return strings.NewReplacer("{street}", demoStreet(m, i), "{house}", fmt.Sprint(1+(i*13)%87),
		"{place}", demoPlaces[(i*5)%len(demoPlaces)], "{n}", fmt.Sprint(2+i%4), "{days}", fmt.Sprint(3+i%12)).Replace(t)
}

// demoAddress is where the i-th demo report is.
func demoAddress(m DemoMunicipality, i int) string {
	return fmt.Sprintf("%s, д. %d", demoStreet(m, i), 1+(i*13)%87)
}
