# Рәсімнің командаларды орындаудан бас тартулары (crates/qorgau-domain/src/procedure/command.rs).

phase-name = { $phase ->
    [received] қабылданды
    [refused] қараудан бас тартылды
    [registered] тіркелді, сараптамалық топты күтуде
    [under_review] сараптамалық топтың қарауында
    [not_confirmed] шешім: фактілер расталмады
    [confirmed] шешім: фактілер расталды
   *[closed] жабылды
}
order-status-name = { $status ->
    [issued] берілді
    [delivered] жеткізілді
    [acknowledged] алынғаны расталды
    [removal_reported] жойылғаны хабарланды
    [removed] жойылды
    [not_complied] орындалмады
   *[escalated] күшейтілді
}
role-name = { $who ->
    [coordinator] үйлестіруші
    [chair] сараптамалық топтың төрағасы (немесе орынбасары)
    [expert] сараптамалық топтың мүшесі
    [expert_group] сараптамалық топ
    [coordinator_or_chair] үйлестіруші немесе төраға
   *[addressee_or_coordinator] нұсқаманың адресаты немесе үйлестіруші
}

procedure-wrong-phase = Мұны қазір істеу мүмкін емес: іс «{ phase-name }» күйінде.
procedure-already-decided = Шешім { $date } күні қабылданған (Алматы уақыты).
procedure-not-allowed = Мұны тек { role-name } істей алады.
procedure-extension-not-provided = { $regime } құқықтық режимі қарау мерзімін ұзартуды көздемейді.
procedure-already-extended = Қарау мерзімі { $date } дейін ұзартылған; оны бір рет қана ұзартуға болады.
procedure-extension-too-long = Қарау мерзімін ең кешінде { $date } дейін ұзартуға болады (келіп түскен күннен бастап 15 күнтізбелік күн).
procedure-extension-too-short = Ұзартылған мерзім қазіргі мерзімнен ({ $date }) кейін аяқталуы керек.
procedure-extension-too-late = Қарау мерзімі ({ $date }) өтіп кетті; оны енді ұзартуға болмайды.
procedure-no-extension = Қарау мерзімі ұзартылған жоқ, сондықтан ұзарту туралы хабарлама жіберілмейді.
procedure-notice-already-sent = Өтініш берушіге ұзарту туралы хабарланған.
procedure-reason-required = { $field } көрсетіңіз: істе себебі жазылуы керек.
procedure-vote-category-mismatch = «Растау» дауысы санатты (кибербуллинг, киберсталкинг немесе қылмыс белгілері) атайды; «растамау» дауысы «жоқ» санатын алады.
procedure-indicators-without-criminal = Қылмыс белгілері тек «қылмыс белгілері» санатымен бірге көрсетіледі.
procedure-not-systematic = Кибербуллинг — жүйелі әрекет: екі және одан көп рет. Істе тіркелген оқиғалар саны: { $incidents } (осы істе және сол аккаунт не ресурс бар істерде). Бәрібір растау үшін сараптамалық топтың негіздемесін жазыңыз.
procedure-order-needs-confirmed-decision = Нұсқама сараптамалық топтың расталған шешімі бойынша ғана беріледі.
procedure-url-not-in-case = { $url } осы істің интернет-ресурстарының қатарында жоқ.
procedure-url-already-ordered = { $url } { $order } нұсқамасына енгізілген.
procedure-nothing-to-order = Осы істің барлық интернет-ресурстарына нұсқама берілген.
procedure-unknown-order = Бұл істе { $order } нұсқамасы жоқ.
procedure-order-wrong-status = { $order } нұсқамасы «{ order-status-name }» күйінде: бұл қадам оған қолданылмайды.
procedure-time-in-future = Болашақтағы уақытты болып өткен деп жазуға болмайды.
procedure-removal-not-due = Жою мерзімі — { $date } (Алматы уақыты) — әлі өткен жоқ.
procedure-ladder-exhausted = Күшейтудің барлық сатылары өтілді.
procedure-escalation-not-due = Күшейтудің келесі сатысы { $date } (Алматы уақыты) басталады; ертерек әрекет ету үшін себебін көрсетіңіз.
procedure-escalation-paused = { $order } нұсқамасы бойынша күшейту тоқтатылған.
procedure-escalation-not-paused = { $order } нұсқамасы бойынша күшейту тоқтатылмаған.
procedure-referral-not-warranted = Құқық қорғау органдарына жіберу үшін киберсталкинг туралы немесе қылмыс белгілері бар расталған шешім қажет.
procedure-already-referred = Іс құқық қорғау органдарына жіберілген.
procedure-response-already-sent = Өтініш берушіге жауап жіберілген.
procedure-response-before-outcome = Жауап қарау нәтижесін хабарлайды, ал ол әлі жоқ.
procedure-not-ready-to-close = Істі әзірге жабуға болмайды: { $why ->
    [response_not_sent] өтініш берушіге әлі жауап берілген жоқ.
   *[orders_open] нұсқама әлі орындалмаған (жойылмаған және күшейту аяқталмаған).
}
