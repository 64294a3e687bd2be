package territory

// subjectsEN are the usual English names of federal subjects, by the
// region name the cities file uses; a subject missing here is spelled by
// transliteration.
var subjectsEN = map[string]string{
	"Адыгея": "Republic of Adygea", "Алтай": "Altai Republic", "Башкортостан": "Republic of Bashkortostan",
	"Бурятия": "Republic of Buryatia", "Дагестан": "Republic of Dagestan", "Ингушетия": "Republic of Ingushetia",
	"Кабардино-Балкарская": "Kabardino-Balkarian Republic", "Калмыкия": "Republic of Kalmykia",
	"Карачаево-Черкесская": "Karachay-Cherkess Republic", "Карелия": "Republic of Karelia", "Коми": "Komi Republic",
	"Крым": "Republic of Crimea", "Марий Эл": "Mari El Republic", "Мордовия": "Republic of Mordovia",
	"Саха /Якутия/": "Sakha (Yakutia) Republic", "Северная Осетия - Алания": "Republic of North Ossetia–Alania",
	"Татарстан": "Republic of Tatarstan", "Тыва": "Tuva Republic", "Удмуртская": "Udmurt Republic",
	"Хакасия": "Republic of Khakassia", "Чеченская": "Chechen Republic", "Чувашская Республика": "Chuvash Republic",
	"Алтайский": "Altai Krai", "Забайкальский": "Zabaykalsky Krai", "Камчатский": "Kamchatka Krai",
	"Краснодарский": "Krasnodar Krai", "Красноярский": "Krasnoyarsk Krai", "Пермский": "Perm Krai",
	"Приморский": "Primorsky Krai", "Ставропольский": "Stavropol Krai", "Хабаровский": "Khabarovsk Krai",
	"Амурская": "Amur Oblast", "Архангельская": "Arkhangelsk Oblast", "Астраханская": "Astrakhan Oblast",
	"Белгородская": "Belgorod Oblast", "Брянская": "Bryansk Oblast", "Владимирская": "Vladimir Oblast",
	"Волгоградская": "Volgograd Oblast", "Вологодская": "Vologda Oblast", "Воронежская": "Voronezh Oblast",
	"Ивановская": "Ivanovo Oblast", "Иркутская": "Irkutsk Oblast", "Калининградская": "Kaliningrad Oblast",
	"Калужская": "Kaluga Oblast", "Кемеровская область - Кузбасс": "Kemerovo Oblast – Kuzbass",
	"Кировская": "Kirov Oblast", "Костромская": "Kostroma Oblast", "Курганская": "Kurgan Oblast",
	"Курская": "Kursk Oblast", "Ленинградская": "Leningrad Oblast", "Липецкая": "Lipetsk Oblast",
	"Магаданская": "Magadan Oblast", "Московская": "Moscow Oblast", "Мурманская": "Murmansk Oblast",
	"Нижегородская": "Nizhny Novgorod Oblast", "Новгородская": "Novgorod Oblast", "Новосибирская": "Novosibirsk Oblast",
	"Омская": "Omsk Oblast", "Оренбургская": "Orenburg Oblast", "Орловская": "Oryol Oblast",
	"Пензенская": "Penza Oblast", "Псковская": "Pskov Oblast", "Ростовская": "Rostov Oblast",
	"Рязанская": "Ryazan Oblast", "Самарская": "Samara Oblast", "Саратовская": "Saratov Oblast",
	"Сахалинская": "Sakhalin Oblast", "Свердловская": "Sverdlovsk Oblast", "Смоленская": "Smolensk Oblast",
	"Тамбовская": "Tambov Oblast", "Тверская": "Tver Oblast", "Томская": "Tomsk Oblast", "Тульская": "Tula Oblast",
	"Тюменская": "Tyumen Oblast", "Ульяновская": "Ulyanovsk Oblast", "Челябинская": "Chelyabinsk Oblast",
	"Ярославская": "Yaroslavl Oblast", "Еврейская": "Jewish Autonomous Oblast",
	"Ненецкий": "Nenets Autonomous Okrug", "Ханты-Мансийский Автономный округ - Югра": "Khanty-Mansi Autonomous Okrug – Yugra",
	"Чукотский": "Chukotka Autonomous Okrug", "Ямало-Ненецкий": "Yamalo-Nenets Autonomous Okrug",
	"Москва": "Moscow", "Санкт-Петербург": "Saint Petersburg", "Севастополь": "Sevastopol",
}
