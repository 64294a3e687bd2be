package services

// The demo catalogue: eight services a Russian municipal okrug provides,
// with the forms, documents, terms and grounds for refusal of their usual
// administrative regulations. dept names the demo department code.
//
// Term.Suspends follows what such regulations commonly provide (check
// against the municipality's own регламент, it is data): the permits
// (earthworks, tree felling), the commission's conclusion on housing and
// the housing register stop their term while the applicant supplies a
// missing document; kindergarten registration, addressing (whose Rules,
// Government Decree 1221, list grounds for refusal and no suspension),
// trading sites and archival certificates keep it running.
type demoEntry struct {
	Entry
	dept string
}

func f64(x float64) *float64 { return &x }

// Fields most forms share.
var (
	fApplicant = Field{Code: "applicant", Kind: KindText, LabelRU: "Фамилия, имя, отчество заявителя", LabelEN: "Applicant's full name",
		Required: true, Prefill: "name", Min: f64(5), Max: f64(200)}
	fSNILS = Field{Code: "snils", Kind: KindText, LabelRU: "СНИЛС заявителя", LabelEN: "Applicant's SNILS",
		HintRU: "11 цифр, например 112-233-445 95", HintEN: "11 digits, e.g. 112-233-445 95", Required: true, Check: CheckSNILS}
	fPhone = Field{Code: "phone", Kind: KindText, LabelRU: "Телефон для связи", LabelEN: "Contact phone",
		Pattern: `\+?[78][\d\s()-]{9,16}`, HintRU: "+7 900 123-45-67", HintEN: "+7 900 123-45-67"}
	fConsent = Field{Code: "consent", Kind: KindCheckbox, LabelRU: "Даю согласие на обработку персональных данных (152-ФЗ)",
		LabelEN: "I consent to the processing of my personal data (Federal Law 152-FZ)", Required: true}
	fCadastre = Field{Code: "cadastre", Kind: KindText, LabelRU: "Кадастровый номер земельного участка", LabelEN: "Cadastral number of the land plot",
		HintRU: "например 47:29:0103004:57", HintEN: "e.g. 47:29:0103004:57", Pattern: `\d{2}:\d{2}:\d{6,7}:\d{1,6}`}
	fINN = Field{Code: "inn", Kind: KindText, LabelRU: "ИНН заявителя", LabelEN: "Applicant's INN",
		HintRU: "10 цифр для организации, 12 — для гражданина и ИП", HintEN: "10 digits for an organisation, 12 for a person", Required: true, Check: CheckINN}
	fOGRN = Field{Code: "ogrn", Kind: KindText, LabelRU: "ОГРН или ОГРНИП", LabelEN: "OGRN or OGRNIP", Check: CheckOGRNAny,
		HintRU: "для юридических лиц и индивидуальных предпринимателей", HintEN: "for companies and sole traders"}
)

func doc(code, ru, en string, required bool) Field {
	return Field{Code: code, Kind: KindFile, LabelRU: ru, LabelEN: en, Required: required}
}

// demoCatalogue lists the eight demo services.
func demoCatalogue() []demoEntry {
	incomplete := Reason{Code: "incomplete", RU: "Непредставление документов, обязательных по регламенту", EN: "Documents required by the regulation not provided"}
	false_ := Reason{Code: "false_data", RU: "Недостоверные сведения в представленных документах", EN: "False data in the documents provided"}
	return []demoEntry{
		{dept: "education", Entry: Entry{Code: "kindergarten", NameRU: "Постановка на учёт и направление детей в детские сады",
			NameEN:        "Kindergarten enrolment queue",
			DescriptionRU: "Постановка ребёнка на учёт для зачисления в муниципальную дошкольную образовательную организацию и выдача направления при наличии мест.",
			DescriptionEN: "Registering a child for a place in a municipal kindergarten and issuing a referral when a place is free.",
			LegalBasis:    "Федеральный закон от 29.12.2012 № 273-ФЗ «Об образовании в Российской Федерации», ст. 9, 67; административный регламент округа",
			Term:          Term{Days: 7, Working: true}, ResultRU: "Уведомление о постановке на учёт", ResultEN: "Notice of registration in the queue",
			DocumentsRU: []string{"Свидетельство о рождении ребёнка", "Документ, подтверждающий регистрацию по месту жительства", "Документ о праве на льготу (при наличии)"},
			DocumentsEN: []string{"Child's birth certificate", "Proof of registered residence", "Proof of a priority right (if any)"},
			Form: Form{fApplicant, fSNILS,
				{Code: "child", Kind: KindText, LabelRU: "ФИО ребёнка", LabelEN: "Child's full name", Required: true, Min: f64(5), Max: f64(200)},
				{Code: "child_birth", Kind: KindDate, LabelRU: "Дата рождения ребёнка", LabelEN: "Child's date of birth", Required: true, MinDate: "-7y", MaxDate: "today"},
				{Code: "child_snils", Kind: KindText, LabelRU: "СНИЛС ребёнка", LabelEN: "Child's SNILS", Check: CheckSNILS},
				{Code: "start", Kind: KindDate, LabelRU: "Желаемая дата зачисления", LabelEN: "Desired start date", Required: true, MinDate: "today", MaxDate: "+3y"},
				{Code: "group", Kind: KindSelect, LabelRU: "Режим пребывания", LabelEN: "Hours", Required: true, Options: []Option{
					{Value: "full", RU: "Полный день (10,5–12 часов)", EN: "Full day (10.5–12 hours)"},
					{Value: "short", RU: "Кратковременное пребывание (3–5 часов)", EN: "Short stay (3–5 hours)"}}},
				{Code: "priority", Kind: KindCheckbox, LabelRU: "Есть право на первоочередное зачисление", LabelEN: "Priority right to a place"},
				doc("birth_cert", "Свидетельство о рождении ребёнка", "Child's birth certificate", true), fPhone, fConsent},
			Reasons: []Reason{incomplete, {Code: "age", RU: "Возраст ребёнка вне диапазона приёма", EN: "The child's age is outside the admission range"}, false_}}},
		{dept: "architecture", Entry: Entry{Code: "address", NameRU: "Присвоение адреса объекту адресации, изменение и аннулирование адреса",
			NameEN:        "Assigning, changing or cancelling an address",
			DescriptionRU: "Присвоение адреса земельному участку, зданию или помещению и внесение его в государственный адресный реестр (ФИАС).",
			DescriptionEN: "Assigning an address to a land plot, building or premises and entering it in the state address register (FIAS).",
			LegalBasis:    "Постановление Правительства РФ от 19.11.2014 № 1221 «Об утверждении Правил присвоения, изменения и аннулирования адресов»",
			Term:          Term{Days: 10, Working: true}, ResultRU: "Решение о присвоении адреса", ResultEN: "Decision assigning an address",
			DocumentsRU: []string{"Правоустанавливающие документы на объект", "Выписка из ЕГРН"}, DocumentsEN: []string{"Title documents", "Extract from the Unified State Register of Real Estate"},
			Extraterritorial: true,
			Form: Form{fApplicant, fSNILS,
				{Code: "object", Kind: KindSelect, LabelRU: "Объект адресации", LabelEN: "Object", Required: true, Options: []Option{
					{Value: "plot", RU: "Земельный участок", EN: "Land plot"}, {Value: "building", RU: "Здание, сооружение", EN: "Building"},
					{Value: "premises", RU: "Помещение", EN: "Premises"}}},
				{Code: "action", Kind: KindSelect, LabelRU: "Что сделать", LabelEN: "Request", Required: true, Options: []Option{
					{Value: "assign", RU: "Присвоить адрес", EN: "Assign"}, {Value: "cancel", RU: "Аннулировать адрес", EN: "Cancel"}}},
				func() Field { f := fCadastre; f.Required = true; return f }(),
				{Code: "location", Kind: KindTextarea, LabelRU: "Местоположение объекта", LabelEN: "Location", Required: true, Min: f64(10), Max: f64(1000)},
				doc("egrn", "Выписка из ЕГРН", "Register extract", true), fConsent},
			Reasons: []Reason{incomplete, {Code: "no_right", RU: "Заявитель не является собственником объекта", EN: "The applicant does not own the object"},
				{Code: "not_object", RU: "Объект не является объектом адресации", EN: "Not an object that can be addressed"}}}},
		{dept: "roads", Entry: Entry{Code: "earthworks", NameRU: "Выдача разрешения (ордера) на осуществление земляных работ",
			NameEN:        "Earthworks permit",
			DescriptionRU: "Разрешение на раскопки на территории общего пользования: прокладка и ремонт сетей, благоустройство.",
			DescriptionEN: "Permission to dig on public land: laying and repairing utilities, landscaping.",
			LegalBasis:    "Федеральный закон от 06.10.2003 № 131-ФЗ, ст. 16 ч. 1 п. 25; Правила благоустройства территории округа",
			Term:          Term{Days: 5, Working: true, Suspends: true}, ResultRU: "Разрешение на осуществление земляных работ", ResultEN: "Earthworks permit",
			DocumentsRU: []string{"Проект или схема производства работ", "Календарный график работ", "Схема организации движения (при работах на дороге)"},
			DocumentsEN: []string{"Work plan or scheme", "Work schedule", "Traffic management plan (for roadworks)"},
			Form: Form{fApplicant, fINN, fOGRN,
				{Code: "address", Kind: KindText, LabelRU: "Место производства работ", LabelEN: "Work site", Required: true, Min: f64(10), Max: f64(300)},
				{Code: "purpose", Kind: KindSelect, LabelRU: "Цель работ", LabelEN: "Purpose", Required: true, Options: []Option{
					{Value: "network", RU: "Прокладка или ремонт инженерных сетей", EN: "Utility networks"},
					{Value: "emergency", RU: "Аварийные работы", EN: "Emergency repair"}, {Value: "landscaping", RU: "Благоустройство", EN: "Landscaping"}}},
				{Code: "start", Kind: KindDate, LabelRU: "Начало работ", LabelEN: "Start", Required: true, MinDate: "today", MaxDate: "+1y"},
				{Code: "end", Kind: KindDate, LabelRU: "Окончание работ", LabelEN: "End", Required: true, MinDate: "today", MaxDate: "+1y"},
				{Code: "area", Kind: KindNumber, LabelRU: "Площадь раскопки, м²", LabelEN: "Area dug, m²", Required: true, Min: f64(0.5), Max: f64(5000)},
				doc("plan", "Схема производства работ", "Work scheme", true), fPhone, fConsent},
			Reasons: []Reason{incomplete, {Code: "conflict", RU: "Работы в тех же границах уже разрешены другому лицу", EN: "Works in the same area are already permitted to another party"},
				{Code: "season", RU: "Запрет работ в период весенней распутицы", EN: "Works banned during the spring thaw"}}}},
		{dept: "roads", Entry: Entry{Code: "tree-felling", NameRU: "Выдача разрешения на снос (вырубку) зелёных насаждений",
			NameEN:        "Tree-felling permit",
			DescriptionRU: "Разрешение на вырубку, обрезку или пересадку деревьев и кустарников вне лесного фонда, с расчётом компенсационной стоимости.",
			DescriptionEN: "Permission to fell, prune or move trees and shrubs outside forest land, with the compensation value.",
			LegalBasis:    "Федеральный закон от 10.01.2002 № 7-ФЗ «Об охране окружающей среды», ст. 7; Правила благоустройства территории округа",
			Term:          Term{Days: 15, Working: true, Suspends: true}, FeeKopecks: 0, ResultRU: "Порубочный билет", ResultEN: "Tree-felling permit",
			DocumentsRU: []string{"Схема размещения насаждений", "Акт обследования (при аварийных деревьях)"},
			DocumentsEN: []string{"Plan of the trees", "Survey report (for dangerous trees)"},
			Form: Form{fApplicant, fSNILS,
				{Code: "address", Kind: KindText, LabelRU: "Адрес участка", LabelEN: "Site address", Required: true, Min: f64(10), Max: f64(300)},
				{Code: "trees", Kind: KindNumber, LabelRU: "Количество деревьев", LabelEN: "Number of trees", Required: true, Min: f64(1), Max: f64(500)},
				{Code: "reason", Kind: KindSelect, LabelRU: "Основание", LabelEN: "Reason", Required: true, Options: []Option{
					{Value: "dangerous", RU: "Аварийное, сухостойное дерево", EN: "Dangerous or dead tree"},
					{Value: "building", RU: "Строительство", EN: "Construction"}, {Value: "sanitary", RU: "Санитарная рубка", EN: "Sanitary felling"}}},
				doc("scheme", "Схема размещения насаждений", "Plan of the trees", true), fPhone, fConsent},
			Reasons: []Reason{incomplete, {Code: "protected", RU: "Насаждения относятся к особо охраняемым", EN: "The trees are specially protected"}}}},
		{dept: "architecture", Entry: Entry{Code: "residential", NameRU: "Признание помещения жилым, жилого помещения непригодным для проживания, дома аварийным",
			NameEN:        "Recognising premises as residential or unfit for living",
			DescriptionRU: "Решение межведомственной комиссии о признании помещения жилым, непригодным для проживания или многоквартирного дома аварийным.",
			DescriptionEN: "The inter-agency commission's decision on whether premises are residential, unfit for living, or a building is unsafe.",
			LegalBasis:    "Жилищный кодекс РФ, ст. 15; Постановление Правительства РФ от 28.01.2006 № 47",
			Term:          Term{Days: 30, Working: false, Suspends: true}, ResultRU: "Заключение межведомственной комиссии", ResultEN: "Commission's conclusion",
			DocumentsRU: []string{"Правоустанавливающие документы на помещение", "Технический план помещения", "Заключение специализированной организации (для аварийных домов)"},
			DocumentsEN: []string{"Title documents", "Technical plan", "Specialist's report (for unsafe buildings)"},
			Form: Form{fApplicant, fSNILS,
				{Code: "address", Kind: KindText, LabelRU: "Адрес помещения", LabelEN: "Address", Required: true, Min: f64(10), Max: f64(300)},
				{Code: "request", Kind: KindSelect, LabelRU: "О чём просите", LabelEN: "Request", Required: true, Options: []Option{
					{Value: "residential", RU: "Признать помещение жилым", EN: "Recognise as residential"},
					{Value: "unfit", RU: "Признать непригодным для проживания", EN: "Recognise as unfit"},
					{Value: "unsafe", RU: "Признать дом аварийным", EN: "Recognise the building as unsafe"}}},
				{Code: "area", Kind: KindNumber, LabelRU: "Общая площадь, м²", LabelEN: "Floor area, m²", Min: f64(6), Max: f64(2000)},
				doc("title", "Документ о праве на помещение", "Title document", true), doc("tech_plan", "Технический план", "Technical plan", false), fConsent},
			Reasons: []Reason{incomplete, {Code: "commission", RU: "Комиссия не установила оснований", EN: "The commission found no grounds"}}}},
		{dept: "economy", Entry: Entry{Code: "trading-site", NameRU: "Предоставление места для размещения нестационарного торгового объекта",
			NameEN:        "Placement of a non-stationary trading site",
			DescriptionRU: "Право разместить киоск, павильон или сезонную торговлю на месте из схемы размещения нестационарных торговых объектов.",
			DescriptionEN: "The right to place a kiosk, pavilion or seasonal stall at a place in the scheme of non-stationary trading sites.",
			LegalBasis:    "Федеральный закон от 28.12.2009 № 381-ФЗ «Об основах государственного регулирования торговой деятельности», ст. 10",
			Term:          Term{Days: 30, Working: false}, FeeKopecks: 0, ResultRU: "Договор на размещение нестационарного торгового объекта", ResultEN: "Trading site agreement",
			DocumentsRU: []string{"Эскиз торгового объекта", "Сведения о государственной регистрации"}, DocumentsEN: []string{"Sketch of the site", "Registration details"},
			Extraterritorial: true,
			Form: Form{fApplicant, fINN, func() Field { f := fOGRN; f.Required = true; return f }(),
				{Code: "place", Kind: KindText, LabelRU: "Номер места в схеме размещения", LabelEN: "Place number in the scheme", Required: true, Pattern: `[0-9]{1,4}`},
				{Code: "kind", Kind: KindSelect, LabelRU: "Тип объекта", LabelEN: "Kind", Required: true, Options: []Option{
					{Value: "kiosk", RU: "Киоск", EN: "Kiosk"}, {Value: "pavilion", RU: "Павильон", EN: "Pavilion"}, {Value: "seasonal", RU: "Сезонная торговля", EN: "Seasonal stall"}}},
				{Code: "goods", Kind: KindText, LabelRU: "Специализация", LabelEN: "Goods", Required: true, Max: f64(200)},
				{Code: "from", Kind: KindDate, LabelRU: "Начало размещения", LabelEN: "From", Required: true, MinDate: "today", MaxDate: "+1y"},
				doc("sketch", "Эскиз объекта", "Sketch", true), fPhone, fConsent},
			Reasons: []Reason{incomplete, {Code: "occupied", RU: "Место в схеме уже предоставлено", EN: "The place is already taken"},
				{Code: "not_in_scheme", RU: "Место отсутствует в схеме размещения", EN: "The place is not in the scheme"}}}},
		{dept: "appeals", Entry: Entry{Code: "archive", NameRU: "Выдача архивных справок, выписок и копий архивных документов",
			NameEN:        "Archival certificates, extracts and copies",
			DescriptionRU: "Справки о стаже и заработной плате, копии постановлений и распоряжений из муниципального архива.",
			DescriptionEN: "Certificates of employment and pay, copies of resolutions and orders from the municipal archive.",
			LegalBasis:    "Федеральный закон от 22.10.2004 № 125-ФЗ «Об архивном деле в Российской Федерации», ст. 26",
			Term:          Term{Days: 30, Working: false}, ResultRU: "Архивная справка", ResultEN: "Archival certificate",
			DocumentsRU:      []string{"Документ, удостоверяющий личность", "Доверенность (если обращается представитель)"},
			DocumentsEN:      []string{"Identity document", "Power of attorney (for a representative)"},
			Extraterritorial: true,
			Form: Form{fApplicant, fSNILS,
				{Code: "kind", Kind: KindSelect, LabelRU: "Что нужно", LabelEN: "What you need", Required: true, Options: []Option{
					{Value: "work", RU: "Справка о стаже", EN: "Employment record"}, {Value: "salary", RU: "Справка о заработной плате", EN: "Pay record"},
					{Value: "copy", RU: "Копия правового акта", EN: "Copy of a legal act"}}},
				{Code: "organisation", Kind: KindText, LabelRU: "Организация, период работы или реквизиты акта", LabelEN: "Organisation and period, or the act's details", Required: true, Min: f64(5), Max: f64(500)},
				{Code: "year_from", Kind: KindNumber, LabelRU: "С какого года", LabelEN: "From year", Min: f64(1920), Max: f64(2026)},
				{Code: "year_to", Kind: KindNumber, LabelRU: "По какой год", LabelEN: "To year", Min: f64(1920), Max: f64(2026)},
				{Code: "delivery", Kind: KindSelect, LabelRU: "Как получить", LabelEN: "Delivery", Required: true, Options: []Option{
					{Value: "online", RU: "В личном кабинете (PDF)", EN: "Online (PDF)"}, {Value: "mail", RU: "Почтой", EN: "By post"}}},
				fPhone, fConsent},
			Reasons: []Reason{{Code: "no_records", RU: "Документы на хранение в архив не поступали", EN: "The records were never deposited in the archive"},
				{Code: "no_right", RU: "Заявитель не имеет права на получение сведений", EN: "The applicant has no right to the information"}}}},
		{dept: "housing", Entry: Entry{Code: "housing-need", NameRU: "Принятие на учёт граждан в качестве нуждающихся в жилых помещениях",
			NameEN:        "Registration as needing housing",
			DescriptionRU: "Постановка малоимущих граждан на учёт для предоставления жилья по договору социального найма.",
			DescriptionEN: "Registering low-income residents for social housing.",
			LegalBasis:    "Жилищный кодекс РФ, ст. 49–52; областной закон о порядке ведения учёта",
			Term:          Term{Days: 30, Working: true, Suspends: true}, ResultRU: "Решение о принятии на учёт", ResultEN: "Decision on registration",
			DocumentsRU: []string{"Документы, удостоверяющие личность членов семьи", "Сведения о доходах за 12 месяцев", "Документы о жилых помещениях в собственности"},
			DocumentsEN: []string{"Identity documents of the family", "Income for the last 12 months", "Documents on owned housing"},
			Form: Form{fApplicant, fSNILS,
				{Code: "family", Kind: KindNumber, LabelRU: "Состав семьи, человек", LabelEN: "Family members", Required: true, Min: f64(1), Max: f64(20)},
				{Code: "area", Kind: KindNumber, LabelRU: "Площадь занимаемого жилья, м²", LabelEN: "Floor area now, m²", Required: true, Min: f64(0), Max: f64(1000)},
				{Code: "ground", Kind: KindSelect, LabelRU: "Основание", LabelEN: "Ground", Required: true, Options: []Option{
					{Value: "no_home", RU: "Нет жилого помещения", EN: "No housing"}, {Value: "below_norm", RU: "Площадь ниже учётной нормы", EN: "Below the floor area norm"},
					{Value: "unfit", RU: "Жильё непригодно для проживания", EN: "Housing unfit for living"}}},
				doc("income", "Справка о доходах семьи", "Family income statement", true), fPhone, fConsent},
			Reasons: []Reason{incomplete, {Code: "not_poor", RU: "Семья не признана малоимущей", EN: "The family is not low-income"},
				{Code: "norm", RU: "Обеспеченность жильём выше учётной нормы", EN: "Housing above the floor area norm"}}}},
	}
}
