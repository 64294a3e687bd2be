package territory

// DemoSource marks nodes the demo made up or reshaped.
const DemoSource = "muni demo: synthetic, built around real towns from " + CitiesSource

// demoMuni describes one demo municipal okrug: the real town it is built
// around (by its OKTMO in the cities file) and what the demo adds.
type demoMuni struct {
	OKTMO, NameRU, NameEN, Slug string
	TownOKTMO                   string
	SizeKM                      float64
	Contacts                    Contacts
	Settlements                 []demoPlace
	Departments                 []DepartmentInput
}

// demoPlace is a locality; a zero Lat takes the centre from the cities file.
type demoPlace struct {
	OKTMO, NameRU, NameEN string
	Lat, Lon              float64
	Population            int64
	SizeKM                float64
}

func dept(code, ru, en, email, phone string, about ...string) DepartmentInput {
	d := DepartmentInput{Code: code, NameRU: ru, NameEN: en, Email: email, Phone: phone}
	if len(about) == 2 {
		d.Description, d.DescriptionEN = about[0], about[1]
	}
	return d
}

var demoLuga = demoMuni{
	OKTMO: "41633000", NameRU: "Лужский муниципальный округ", NameEN: "Luga Municipal Okrug", Slug: "luga",
	TownOKTMO: "41633101001", SizeKM: 70,
	Contacts: Contacts{Head: "Глава администрации (демо)", Phone: "+7 81372 20000", Email: "priemnaya@luga-demo.example",
		Address: "188230, Ленинградская обл., г. Луга, пр. Кирова, д. 73 (демо)", Website: "https://luga-demo.example"},
	Settlements: []demoPlace{
		{OKTMO: "41633101001", NameRU: "Луга", NameEN: "Luga", SizeKM: 9},
		{OKTMO: "41633154051", NameRU: "Толмачёво", NameEN: "Tolmachyovo", Lat: 58.8564, Lon: 29.9081, Population: 5420, SizeKM: 4},
		{OKTMO: "41633157051", NameRU: "Оредеж", NameEN: "Oredezh", Lat: 58.8260, Lon: 30.3310, Population: 3610, SizeKM: 4},
		{OKTMO: "41633160051", NameRU: "Мшинская", NameEN: "Mshinskaya", Lat: 59.0226, Lon: 30.0860, Population: 1630, SizeKM: 3},
		{OKTMO: "41633163051", NameRU: "Осьмино", NameEN: "Osmino", Lat: 58.9776, Lon: 28.9697, Population: 1940, SizeKM: 3},
		{OKTMO: "41633166051", NameRU: "Скреблово", NameEN: "Skreblovo", Lat: 58.6592, Lon: 29.6347, Population: 1120, SizeKM: 2.5},
		{OKTMO: "41633169051", NameRU: "Володарское", NameEN: "Volodarskoye", Lat: 58.7416, Lon: 30.0218, Population: 980, SizeKM: 2.5},
	},
	Departments: []DepartmentInput{
		dept("appeals", "Общий отдел — работа с обращениями граждан", "General Department — Citizens' Appeals",
			"obrashcheniya@luga-demo.example", "+7 81372 20001", "Регистрирует обращения граждан, следит за сроками ответа по 59-ФЗ.",
			"Registers citizens' appeals and keeps the answer deadlines of Federal Law 59-FZ."),
		dept("housing", "Комитет жилищно-коммунального хозяйства", "Housing and Utilities Committee",
			"zhkh@luga-demo.example", "+7 81372 20002", "Тепло-, водо- и электроснабжение, управляющие компании, капитальный ремонт.",
			"Heating, water and power supply, housing management companies, major repairs."),
		dept("roads", "Отдел благоустройства и дорожного хозяйства", "Public Spaces and Roads Department",
			"blagoustroystvo@luga-demo.example", "+7 81372 20003", "Дороги, освещение, дворы, парки и уборка территорий.",
			"Roads, street lighting, courtyards, parks and cleaning."),
		dept("transport", "Отдел транспорта", "Transport Department",
			"transport@luga-demo.example", "+7 81372 20004", "Муниципальные автобусные маршруты и расписания.",
			"Municipal bus routes and timetables."),
		dept("education", "Комитет образования", "Education Committee",
			"obrazovanie@luga-demo.example", "+7 81372 20005", "Детские сады, школы и дополнительное образование.",
			"Kindergartens, schools and after-school education."),
		dept("social", "Отдел социальной защиты населения", "Social Protection Department",
			"sotszashchita@luga-demo.example", "+7 81372 20006", "Меры социальной поддержки, помощь семьям и пожилым.",
			"Social support, help for families and older people."),
		dept("architecture", "Отдел архитектуры и градостроительства", "Architecture and Urban Planning Department",
			"arkhitektura@luga-demo.example", "+7 81372 20007", "Градостроительные планы, разрешения на строительство.",
			"Urban development plans and building permits."),
		dept("finance", "Комитет финансов", "Finance Committee",
			"finansy@luga-demo.example", "+7 81372 20008", "Бюджет округа и отчёты о его исполнении.",
			"The okrug's budget and reports on how it is spent."),
		dept("economy", "Отдел экономики и инвестиций", "Economy and Investment Department",
			"ekonomika@luga-demo.example", "+7 81372 20009", "Инвестиционные площадки, поддержка малого бизнеса.",
			"Investment sites and support for small businesses."),
	},
}

var demoGatchina = demoMuni{
	OKTMO: "41618000", NameRU: "Гатчинский муниципальный округ", NameEN: "Gatchina Municipal Okrug", Slug: "gatchina",
	TownOKTMO: "41618101001", SizeKM: 55,
	Contacts:    Contacts{Phone: "+7 81371 90000", Email: "priemnaya@gatchina-demo.example"},
	Settlements: []demoPlace{{OKTMO: "41618101001", NameRU: "Гатчина", NameEN: "Gatchina", SizeKM: 9}},
	Departments: []DepartmentInput{
		dept("appeals", "Общий отдел — работа с обращениями граждан", "General Department — Citizens' Appeals",
			"obrashcheniya@gatchina-demo.example", "+7 81371 90001"),
		dept("housing", "Комитет по ЖКХ", "Housing and Utilities Committee", "zhkh@gatchina-demo.example", "+7 81371 90002"),
		dept("roads", "Отдел дорожного хозяйства", "Roads Department", "dorogi@gatchina-demo.example", "+7 81371 90003"),
	},
}

var demoKingisepp = demoMuni{
	OKTMO: "41621000", NameRU: "Кингисеппский муниципальный округ", NameEN: "Kingisepp Municipal Okrug", Slug: "kingisepp",
	TownOKTMO: "41621101001", SizeKM: 50,
	Contacts: Contacts{Phone: "+7 81375 40000", Email: "priemnaya@kingisepp-demo.example"},
	Settlements: []demoPlace{
		{OKTMO: "41621101001", NameRU: "Кингисепп", NameEN: "Kingisepp", SizeKM: 7},
		{OKTMO: "41621102001", NameRU: "Ивангород", NameEN: "Ivangorod", SizeKM: 4},
	},
	Departments: []DepartmentInput{
		dept("appeals", "Общий отдел — работа с обращениями граждан", "General Department — Citizens' Appeals",
			"obrashcheniya@kingisepp-demo.example", "+7 81375 40001"),
		dept("housing", "Отдел ЖКХ", "Housing and Utilities Department", "zhkh@kingisepp-demo.example", "+7 81375 40002"),
	},
}
