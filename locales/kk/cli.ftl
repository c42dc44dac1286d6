# Пәрмен жолының өз мәтіндері (crates/qorgau/src).

cli-invalid-fields = Өтініште қате өрістер бар: { $count }; ештеңе жазылған жоқ:
cli-store-error = Қойма қатесі: { $detail }
cli-verify-broken = Істер жазбасы { $seq } реттік нөмірде бұзылған ({ $fault }).
cli-verify-intact = Істер жазбасы бүтін: оқиғалар саны — { $entries }, төбесі { $head }.
cli-case-not-found = { $case } ісі жоқ.
cli-order-not-found = { $order } нұсқамасы жоқ (нұсқама нөмірлері мынадай болады: QG-2026-000001-1).
cli-actor-required = Кім әрекет ететінін көрсетіңіз: --as ПАЙДАЛАНУШЫ_АТЫ немесе QORGAU_USER айнымалысы (`qorgau staff list` қараңыз).
cli-unknown-staff = «{ $user }» қызметкері жоқ (`qorgau staff list` қараңыз).
cli-staff-inactive = «{ $user }» қызметкері енді белсенді емес.
cli-invalid-date = «{ $value }» — күн емес: ЖЖЖЖ-АА-КК пішімінде жазыңыз.
cli-invalid-time = «{ $value }» — уақыт емес: ығысуы бар RFC 3339 пішімінде жазыңыз, мысалы 2026-12-01T09:30:00+05:00.
cli-file-unreadable = { $path } оқылмады: { $detail }
cli-json-invalid = { $path } — дұрыс өтініш емес ({ $line }-жол, { $column }-баған): { $detail }
cli-initialized = Қойма дайын: { $path }
cli-staff-added = { $user } қосылды.
cli-chair-is-expert = Төраға тек сараптамалық топтың мүшесі бола алады: --chair-мен бірге --role expert көрсетіңіз.
cli-bad-username = Пайдаланушы аты — бос орынсыз бір сөз.
cli-chair-marker = төраға
cli-case-created = { $case } ісі тіркелді: { phase-name }.
cli-case-phase = { $case } ісі: { phase-name }.
cli-regime = Құқықтық режим: { $regime }
cli-deadline = { deadline-kind-name }: { $date } күнінің соңына дейін (Алматы уақыты; { $time } бастап мерзімі өтеді).
cli-provisional = (алдын ала: осы жылғы күнтізбе туралы қаулы әлі расталмаған)
cli-event-recorded = Жазылды: { $event }
cli-order-issued = { $order } нұсқамасы — { $owner }
cli-received = Келіп түсті: { $time } (Алматы уақыты), { $channel }, тілі: { $language }
cli-pending-deadline = Күтілуде — { deadline-kind-name } { $order }: { $time } (Алматы уақыты), { $left }
cli-extension = Қарау мерзімі { $date } дейін ұзартылды: { $reason }
cli-resources = Интернет-ресурстар: { $count }
cli-incidents = Оқиғалар: { $count }
cli-vote = { $expert } дауысы: { $vote }, { $category } — { $reasons }
cli-decision = Шешім: { $outcome }, { $category } ({ $time }, Алматы уақыты)
cli-order = { $order } нұсқамасы — { $owner }: { order-status-name }
cli-timeline = Жазба:
cli-no-cases = Істер жоқ.
cli-board-empty = Күтілетін мерзімдер жоқ.
cli-unknown-state = «{ $value }» — іс күйі емес (received, refused, registered, under_review, not_confirmed, confirmed, closed).
cli-days-left = { $days ->
    [0] мерзімі бүгін
   *[other] { $days } жұмыс күні қалды
}
cli-overdue-days = { $days ->
    [0] мерзімі өтті
   *[other] мерзімі { $days } жұмыс күнге өтті
}
cli-days-left-unknown = қалған жұмыс күндері белгісіз (сол жылға күнтізбе жоқ)
cli-hours-left = { $hours } сағат қалды
cli-overdue-hours = мерзімі { $hours } сағатқа өтті
deadline-kind-name = { $kind ->
    [decision] Сараптамалық топтың шешімі
    [extension_notice] Өтініш берушіге ұзарту туралы хабарлама
    [response] Өтініш берушіге жауап
    [removal] Ресурс иесінің жоюы
   *[escalation] Күшейтудің келесі сатысы
}
cli-access-code = Өтініш берушіге арналған қол жеткізу коды (бір рет беріңіз, ол сақталмайды): { $code }
cli-serving = Qorgau { $url } мекенжайында жұмыс істеп тұр (қойма: { $store }). Тоқтату — Ctrl+C.
cli-stopped = Тоқтатылды; басталған сұраулардың бәрі аяқталды.
cli-cannot-listen = { $addr } ашылмады: { $detail }
cli-demo-seeded = Демо қызметкерлер, ресурс иелері және істер дайын; олардың кіру деректері ({ $path } файлында да):
cli-demo-existing = Демо деректер бұрын жасалған; кіру деректері ({ $path } файлынан):
cli-demo-lost = Демо деректер бұрын жасалған, бірақ кіру деректері бар { $path } файлы жоқ: жаңа деректер қалтасын пайдаланыңыз.
cli-password-set = { $user } үшін жаңа құпиясөз (бір рет көрсетіледі): { $password }
cli-owner-added = { $owner } ресурс иесі қосылды. API кілті (бір рет көрсетіледі): { $key }

## Дәлелдер: ашықтық журналы, оның кілті және тапсырмалар өңдеушісі
cli-log-public-key = Ашықтық журналының ашық кілті (оны `qorgau receipt verify --public-key` пәрменіне беріңіз): { $key }
cli-log-key-created = Ашықтық журналының жаңа кілті жасалды: { $path } (оны құпия сақтап, сақтық көшірмесін жасаңыз).
cli-verify-log-intact = Ашықтық журналы жазбаға сәйкес: жапырақтар саны — { $leaves }, оның ішінде дәлелдер — { $evidence }, түбірі { $root }.
cli-verify-checkpoint = Соңғы қол қойылған бақылау нүктесі { $size } жапырақты қамтиды, журналға сәйкес, оның { $key } кілтімен қойылған қолы жарамды.
cli-verify-checkpoint-unchecked = Соңғы қол қойылған бақылау нүктесі { $size } жапырақты қамтиды және журналға сәйкес; қолы тексерілмеді ({ $path } жолында журнал кілті жоқ).
cli-verify-files-intact = Жазба сақтайтын барлық дәлел файлдары орнында және өзгермеген: файлдар саны — { $files }, оқылған байттар — { $bytes }.
cli-verify-files-none = Жазбада әзірге дәлел файлдары жоқ.
cli-verify-files-unchecked = Жазбадағы дәлел файлдарының саны — { $files }; олар тексерілмеді: { $path } жолында дәлелдер қоймасы жоқ (--blobs).
cli-verify-file-missing = { $digest } дәлел файлы дәлелдер қоймасында жоқ (іс { $case }, реттік нөмір { $seq }); жоқ немесе бүлінген басқа файлдар саны — { $others }.
cli-verify-file-damaged = { $digest } дәлел файлы бүлінген: оның байттары енді атауындағы хешке сәйкес келмейді (іс { $case }, реттік нөмір { $seq }); жоқ немесе бүлінген басқа файлдар саны — { $others }.
cli-verify-no-checkpoint = Әзірге бірде-бір бақылау нүктесіне қол қойылған жоқ.
cli-verify-statistics-intact = Статистикалық қорытындылар өтініштерге сәйкес: тексерілген күндер саны — { $days }.
cli-verify-statistics-broken = { $day } күнгі статистикалық қорытындылар сол күнгі өтініштерге сәйкес келмейді, сондықтан жарияланған сандар қате болар еді. `qorgau export` пен `qorgau import` жаңа қоймаға оларды істер жазбасынан қайта құрады.
cli-verify-log-broken = Ашықтық журналы жазбаға сәйкес емес: { $detail }
cli-verify-checkpoint-forged = Соңғы бақылау нүктесіне ({ $size } жапырақ) осы журналдың кілтімен тиісінше қол қойылмаған: { $detail }
cli-evidence-error = Дәлелдер қоймасының немесе журнал кілтінің қатесі: { $detail }
cli-document-error = Құжатты жасау мүмкін болмады: { $detail }
cli-outbox-setup = Жөнелту баптаулары жұмыс істемейді: { $detail }
cli-capture-test-mode = ескерту: { $setting } орнатылған: дәлелдерді жинау сынақ режимінде жұмыс істейді (тек сынақтар үшін).
cli-capture-ports-invalid = QORGAU_CAPTURE_PORTS (--capture-ports) мәнінде 1-ден 65535-ке дейінгі порт нөмірлері үтір арқылы берілуі керек, мысалы 80,443,8080; «{ $value }» — порт нөмірі емес.
