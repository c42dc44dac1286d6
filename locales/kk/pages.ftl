# Беттер (crates/qorgau-web/templates).

page-language = Тіл
start-title = Балаға қатысты кибербуллинг туралы хабарлау
start-lead = Егер баланы интернетте қорласа, қудаласа немесе қорқытса, материалдарды жою үшін уәкілетті органға жүгінуге болады. Өтінішті ата-ана, заңды өкілдер, баланың өзі және кез келген азамат бере алады. Бұл тегін.
start-before = Бастамас бұрын дайындаңыз
start-need-resource = бұл қайда болып жатыр: бетке, арнаға, топқа немесе аккаунтқа сілтеме (міндетті)
start-need-child = баланың аты мен туған күні
start-need-contact = жауап алу үшін электрондық пошта мекенжайы немесе телефон нөмірі
start-rule = Заң бойынша өтініште кибербуллинг жасалып жатқан интернет-ресурс көрсетілуі керек. Онсыз өтініш қаралмайды.
start-deadlines = Сараптамалық топ өтінішті 3 жұмыс күні ішінде қарайды. Кибербуллинг расталса, ресурс иесіне материалдарды 24 сағат ішінде жою туралы нұсқама беріледі. Жауап өтінішіңіздің тілінде келеді.
start-button = Бастау
start-track = Берілген өтініштің жайын білу
apply-title = Балаға қатысты кибербуллинг туралы өтініш
apply-error-summary = Қателер бар
apply-you = Сіз туралы
apply-applicant-name = Тегіңіз, атыңыз және әкеңіздің аты
apply-relation = Сіз балаға кім боласыз?
apply-relation-parent = Ата-анасы
apply-relation-legal-representative = Заңды өкілі
apply-relation-child = Мен баланың өзімін
apply-relation-citizen = Басқа азамат
apply-child = Бала туралы
apply-child-name = Баланың аты
apply-child-birth-date = Баланың туған күні
apply-date-hint = Мысалы, 2012-04-15
apply-resources = Бұл қайда болып жатыр
apply-resources-rule = Кем дегенде бір интернет-ресурсты көрсетіңіз: бетке, жарияланымға, арнаға, топқа немесе аккаунтқа сілтеме. Онсыз өтініш қаралмайды («Масс-медиа туралы» Заң).
apply-resource-1 = Сілтеме немесе аккаунт
apply-resource-2 = Тағы бір сілтеме (міндетті емес)
apply-resource-3 = Тағы бір сілтеме (міндетті емес)
apply-resource-hint = Мысалы, https://t.me/arna_aty немесе instagram.com/akkaunt
apply-incidents = Не болды
apply-incidents-hint = Кибербуллинг — екі және одан да көп рет қайталанған қорлау, қудалау немесе қорқыту. Әр жағдайды бөлек сипаттаңыз.
apply-incident = { $number }-жағдай
apply-incident-date = Бұл қашан болды?
apply-incident-resource = Қайда (сілтеме)?
apply-incident-actor = Қай аккаунттан (белгілі болса)?
apply-incident-description = Не болды?
apply-contact = Сізге қалай жауап беру керек
apply-contact-hint = Кем дегенде біреуін көрсетіңіз. Біз тек осы өтініш бойынша жазамыз.
apply-email = Электрондық пошта мекенжайы
apply-phone = Телефон нөмірі
apply-phone-hint = Қазақстандық нөмір, мысалы +7 701 123 45 67
apply-consent = Мәліметтердің дұрыстығын растаймын және өтінішті қарау үшін оларды өңдеуге келісемін.
apply-consent-required = Мәліметтерді растап, оларды өңдеуге келісім беріңіз.
apply-submit = Өтінішті жіберу
applied-title = Өтініш қабылданды
applied-case = Іс нөмірі
applied-code = Қол жеткізу коды
applied-keep-code = Іс нөмірі мен қол жеткізу кодын қазір жазып алыңыз. Өтінішті қадағалау үшін екеуі де керек; код тек бір рет көрсетіледі.
applied-next = Ары қарай не болады
applied-decision-due = Сараптамалық топ { $date } дейін шешім қабылдайды (Алматы уақыты).
applied-response-due = Жауап { $date } дейін келеді (Алматы уақыты).
applied-what-happens = Кибербуллинг расталса, ресурс иесіне материалдарды 24 сағат ішінде жою туралы нұсқама беріледі, ал біз олардың жойылғанын тексереміз.
track-title = Өтініштің жайын білу
track-case = Іс нөмірі
track-case-hint = Мысалы, QG-2026-000123
track-code = Қол жеткізу коды
track-submit = Көрсету
track-not-found = Мұндай нөмірі мен коды бар өтініш табылмады. Екеуін де тексеріп, қайталап көріңіз.
tracked-title = { $case } өтініші
tracked-received = Қабылданды
tracked-decision-due = Шешім мерзімі
tracked-response-due = Жауап мерзімі
tracked-timeline = Не болып үлгерді
tracked-evidence = Дәлелдер мен түбіртектер
tracked-evidence-lead = Біз сақтаған әр бет пен сіз тіркеген әр файл білдірмей өзгертуге болмайтын ашық журналға енгізіледі. Түбіртек жазбаның қашан енгізілгенін және содан бері өзгермегенін дәлелдейді. Түбіртектерді сақтап қойыңыз: оларды кез келген адам бізге хабарласпай-ақ тексере алады.
tracked-evidence-none = Әзірге ештеңе сақталған жоқ. Сіз көрсеткен беттер өтініш тіркелгеннен кейін көп ұзамай сақталады; кейінірек қайта қараңыз.
tracked-evidence-kind = { $kind ->
    [capture] Сақталған веб-бет
    [recapture] Жою туралы нұсқамадан кейін бетті қайта тексеру
    [upload] Сіз тіркеген файл
    [chat] Қызметкерлер қосқан хат алмасу
   *[other] Файл
}
tracked-evidence-file = № { $number }
tracked-evidence-when = { $kind ->
    [upload] Қабылданды: { $when }
    [chat] Қосылды: { $when }
   *[other] Сақталды: { $when }
}
tracked-evidence-ok = Сақталды және журналға енгізілді.
tracked-evidence-problem = Сақталды, бірақ ақаумен: { $problem }
tracked-evidence-retrying = Әзірге сақталған жоқ: { $reason } { $when } қайта тырысамыз.
tracked-evidence-failed = Сақтау мүмкін болмады: { $reason }
tracked-evidence-reason = { $reason ->
    [invalid_url] бұл мекенжайды ашу мүмкін емес.
    [scheme_not_allowed] тек http және https мекенжайлары сақталады.
    [port_not_allowed] тек әдеттегі веб-порттардағы (80 және 443) мекенжайлар сақталады.
    [dns] сайт атауы бойынша табылмады.
    [refused_address] мекенжай ішкі желіге апарады; мұндай мекенжайлар ешқашан ашылмайды.
    [timeout] сайт уақытында жауап бермеді.
    [connect] сайтпен байланысу мүмкін болмады.
    [tls] сайтпен қорғалған байланыс орнатылмады.
    [too_many_redirects] сайт басқа мекенжайларға тым көп рет бағыттады.
    [protocol] сайттың жауабы дұрыс веб-бет емес.
    [store] біздің жақта сақтау мүмкін болмады.
   *[other] бетті сақтау мүмкін болмады.
}
tracked-receipt-view = Түбіртекті қарау
tracked-receipt-download = Түбіртекті жүктеп алу (JSON)
receipt-title = Дәлел түбіртегі
receipt-lead = Бұл түбіртек төмендегі материалдың көрсетілген уақытта Qorgau жүйесінің ашық дәлелдер журналына енгізілгенін, әрі материалды да, ол туралы жазбаны да білдірмей өзгерту не жою мүмкін емес екенін дәлелдейді. Онда тек хештер, уақыт және журналдағы нөмірлер бар — есімдер де, балаға қатысты басқа мәліметтер де жоқ, — сондықтан оны кез келген адамға көрсетуге болады.
receipt-kind = Бұл не
receipt-item = Материал нөмірі
receipt-size = Көлемі
receipt-size-bytes = { $size } байт
receipt-digest = SHA-256 хеші (файлдың саусақ ізі)
receipt-digest-hint = Файлдағы кез келген өзгеріс, тіпті бір байттың өзгеруі, мүлде басқа хеш береді.
receipt-captured = { $kind ->
    [upload] Қабылданды
    [chat] Қосылды
   *[other] Сақталды
} (Алматы уақыты)
receipt-log-index = Журналдағы жазба нөмірі
receipt-tree-size = Түбіртекке қол қойылған кездегі журналдағы жазбалар саны
receipt-checkpoint = Қол қойылған бақылау нүктесі
receipt-checkpoint-hint = Журнал кілтімен қол қойылған журнал күйі: журнал атауы, жазбалар саны және түбір хеші, содан кейін қолтаңба.
receipt-proof = Енгізу дәлелі: { $count } хеш
receipt-proof-hint = Осы жазбадан бақылау нүктесінің түбір хешіне апаратын хештер, көрші жазбадан бастап.
receipt-check = Өзіңіз қалай тексересіз
receipt-check-lead = Бұл бетке де, бізге де сенудің қажеті жоқ. Түбіртек файлын кез келген компьютерде Qorgau жүйесіне қосылмай-ақ тексеруге болады:
receipt-check-download = Түбіртек файлын жүктеп алыңыз:
receipt-check-key = Журналдың осы мекенжайда жарияланған ашық кілтін public-key.txt файлына сақтаңыз:
receipt-check-run = Qorgau бағдарламасымен тексеріңіз; оған интернет қажет емес:
receipt-check-valid = Бағдарлама түбіртек жарамды деп жауап берсе, осы хеші бар материал — журналдың { $index }-жазбасы, ал журналдың қол қойылған бақылау нүктесі { $size } жазбаны қамтиды. Файлдың бір байты өзгертілсе де, тексеру өтпейді және себебін айтады.
receipt-print = Қағаз көшірмесін сақтау үшін осы бетті басып шығарыңыз; батырмалар басып шығарылмайды.
receipt-back = Өтінішке оралу
staff-login-title = Қызметкерлерге арналған кіру
staff-username = Пайдаланушы аты
staff-password = Құпиясөз
staff-login-submit = Кіру
staff-login-failed = Пайдаланушы аты немесе құпиясөз қате.
staff-signed-in = Сіз { $user } ретінде кірдіңіз.
staff-logout = Шығу
staff-queue-title = Мерзімдері бойынша істер
staff-col-case = Іс
staff-col-status = Күйі
staff-col-deadline = Жақын мерзім
staff-col-left = Қалды
staff-back = Істер тізіміне
staff-language = Өтініштің тілі
staff-decision = Шешім
staff-resources = Интернет-ресурстар
staff-incidents = Оқиғалар
staff-votes = Сараптамалық топтың дауыстары
staff-vote = Сіздің дауысыңыз
staff-vote-confirm = Растау
staff-vote-not-confirm = Растамау
staff-category = Санат
staff-reasons = Негіздеме
staff-vote-submit = Дауыс беру
staff-override = Кибербуллингті екіден аз оқиға бойынша растау негіздемесі (қажет болса ғана)
staff-decide = Топтың шешімін жазу
staff-orders = Нұсқамалар
staff-respond = Жауаптың жіберілгенін белгілеу
owner-title = Интернет-ресурс иелеріне арналған нұсқамалар
owner-lead = Уәкілетті орган берген API кілтімен кіріңіз. Сізге жолданған нұсқамаларды көресіз: нені, қай мерзімде және қандай негізде жою керек.
owner-api-key = API кілті
owner-login-failed = Мұндай API кілті белгісіз.
owner-orders-title = Сіздің нұсқамаларыңыз
owner-orders-lead = Материалдарды нұсқаманы алған сәттен бастап 24 сағат ішінде жойып, бұл туралы осында хабарлаңыз. Нұсқаманы осы бетте көру оны алу болып саналады.
owner-no-orders = Нұсқамалар жоқ.
owner-order = { $order } нұсқамасы
owner-remove = Нені жою керек
owner-due = Жою мерзімі (Алматы уақыты)
owner-basis = Құқықтық негіз
owner-acknowledge = Алғанын растау
owner-note = Ескертпе (міндетті емес)
owner-report-removal = Материалдардың жойылғанын хабарлау
staff-applicant = Өтініш беруші
staff-register = Қағаз өтінішті тіркеу
staff-received-on = Келіп түскен күні (мөртаңба)
staff-received-on-hint = Мерзімдер осы күннен бастап есептеледі. Бүгін болса, бос қалдырыңыз.
staff-postal-address = Жауапқа арналған пошта мекенжайы (қағаз өтініштер)
staff-verify-result = Бетте қазір не бар?
staff-verify-removed = Жойылды
staff-verify-still-present = Әлі тұр
staff-verify-unreachable = Қолжетімсіз
staff-verify = Тексеру нәтижесін жазу
staff-not-complied = Орындалмағанын тіркеу (мерзімі өтті)
staff-escalate-reason = Мерзімінен бұрын болса, себебі
staff-escalate = Келесі шара: { $step }
escalation-kind-name = { $kind ->
    [reminder] еске салу
    [repeated_order] қайталама нұсқама
    [administrative_offence] әкімшілік құқық бұзушылық туралы хаттама
   *[access_restriction_request] қолжетімділікті шектеу туралы сұрау
}

## Өтініш формасындағы және іс беттеріндегі дәлел файлдары
apply-evidence = Файлдар (міндетті емес)
apply-evidence-hint = 5 файлға дейін: PNG, JPEG, WebP немесе GIF суреттері, PDF құжаттары, MP4 бейнелері. Әрқайсысы 10 МБ-тан, барлығы 25 МБ-тан аспауы керек. Түрі файлдың атауымен емес, мазмұнымен тексеріледі.
apply-evidence-again = Форма қатемен қайтарылса, файлдарды қайта таңдаңыз: өтініш жіберілгенге дейін олар сақталмайды.
apply-evidence-type = Файл PNG, JPEG, WebP немесе GIF суреті, PDF құжаты немесе MP4 бейнесі емес (атауы емес, мазмұны тексерілді). Оны алып тастаңыз немесе басқасын таңдаңыз, содан кейін файлдарды қайта таңдаңыз.
apply-evidence-too-large = Файл 10 МБ-тан үлкен. Кішірек файлдарды таңдаңыз, содан кейін файлдарды қайта таңдаңыз.
apply-evidence-total = Файлдар барлығы 25 МБ-тан үлкен. Азырақ немесе кішірек файлдарды таңдаңыз, содан кейін файлдарды қайта таңдаңыз.
apply-evidence-too-many = 5 файлдан артық тіркеуге болмайды. Файлдарды қайта таңдаңыз.
evidence-list = Дәлелдер
evidence-none = Әзірге дәлел жоқ.
evidence-kind = { $kind ->
    [capture] Беттің көшірмесі
    [recapture] Қайта түсірілген көшірме
   *[upload] Жүктелген файл
}
evidence-open = Суретті көрсету
evidence-download = Жүктеп алу
staff-show-image = Көрсету (жан жарақаттауы мүмкін)
staff-download = Жүктеп алу
people-title = Қызметкерлер және ресурс иелері
people-staff = Қызметкерлер
people-name = Аты
people-role = Рөлі
people-role-expert = Сарапшы
people-role-chair = Сараптамалық топтың төрағасы
people-role-coordinator = Үйлестіруші
people-new-password = Жаңа құпиясөз
people-add-staff = Қызметкер қосу
people-owners = Ресурс иелері
people-owner-key = Иенің кілті
people-owner-key-hint = Платформа (telegram, instagram, …) немесе сайттың мекенжайы (example.kz): нұсқамалар соған жолданады.
people-domains = Хост атаулары
people-domains-hint = Үтір арқылы, мысалы t.me, telegram.me
people-add-owner = Иені қосып, оның API кілтін көрсету
people-invalid = Барлық өрісті толтырыңыз; пайдаланушы аты мен иенің кілті — бос орынсыз бір сөз.
people-exists = «{ $name }» бұрыннан бар.
owner-login-throttled = Бұл мекенжайдан сәтсіз кіру әрекеттері тым көп. Он бес минут күтіп, қайталап көріңіз.
