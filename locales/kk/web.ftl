# HTTP қызметі (crates/qorgau-web).

problem-title = { $status ->
    [400] Қате сұрау
    [401] Кіру қажет
    [403] Рұқсат жоқ
    [404] Табылмады
    [409] Қазір мүмкін емес
    [422] Қате деректер
    [429] Әрекеттер тым көп
   *[other] Ішкі қате
}
problem-invalid-fields = Қате толтырылған өрістер саны: { $count }; ештеңе жазылған жоқ.
problem-refused = Өтінішті бұл күйінде қарау мүмкін емес; ештеңе жазылған жоқ. Себептері әр өрістің жанында көрсетілген.
problem-malformed-json = Сұрау денесі күтілген түрдегі JSON емес ({ $line }-жол, { $column }-баған): { $detail }
problem-field-required = «{ $field }» өрісі міндетті.
problem-field-invalid = «{ $field }» өрісінде рұқсат етілмеген мән бар.
problem-unauthenticated = Алдымен кіріңіз: жарамды токенмен немесе кілтпен Authorization: Bearer жіберіңіз.
problem-forbidden = Сіздің рөліңізге бұған рұқсат жоқ.
problem-not-found = Мұнда ештеңе жоқ. Өтінішті қадағалап жүрсеңіз, іс нөмірі мен қол жеткізу кодын тексеріңіз.
problem-internal = Бізде бірдеңе дұрыс болмады; жіберген ештеңеңіз жоғалған жоқ. Бір минуттан кейін қайталаңыз.
problem-evidence-damaged = Сақталған дәлел файлы өз таңбасына енді сәйкес келмейді, сондықтан ол берілмейді. Операторларға хабарланды; сақтық көшірмесі қалпына келтіріледі.
problem-too-many-requests = Сәтсіз әрекеттер тым көп. { $seconds } секундтан кейін қайталаңыз.
problem-concurrent-change = Сұрауыңыз өңделіп жатқанда іс өзгерді. Қайталап көріңіз.
timeline-event = { $event ->
    [application_received] Өтініш қабылданды
    [application_refused] Өтінішті қараудан бас тартылды
    [application_registered] Өтініш тіркеліп, сараптамалық топқа берілді
    [review_started] Сараптамалық топ қарауды бастады
    [review_extended] Қарау мерзімі ұзартылды
    [extension_notice_sent] Сізге ұзарту туралы хабарланды
    [decision_made] Сараптамалық топ шешім қабылдады
    [order_issued] Интернет-ресурс иесіне жою туралы нұсқама берілді
    [order_delivered] Нұсқама иесіне жеткізілді
    [order_acknowledged] Иесі нұсқаманы алғанын растады
    [removal_reported] Иесі жойғанын хабарлады
    [removal_verified] Жойылуы тексерілді
    [order_not_complied] Иесі нұсқаманы мерзімінде орындамады
    [escalation_step_taken] Мәжбүрлеу шарасы қолданылды
    [referred_to_law_enforcement] Құқық қорғау органдарына жіберілді
    [response_sent] Сізге жауап жіберілді
    [case_closed] Іс жабылды
    [evidence_captured] Qorgau көрсетілген беттің көшірмесін дәлел ретінде сақтады
    [evidence_uploaded] Файл дәлел ретінде өзгеріссіз сақталды
    [capture_failed] Qorgau беттің көшірмесін сақтай алмады (мүмкін болса, қайта тырысады)
    [removal_rechecked] Qorgau мазмұнның жойылғанын білу үшін бетті қайта тексерді
   *[other] { $event }
}
# Уақыт сәті сөзбен, Алматы уақытымен ($month: jan … dec).
when-in-words = { $year } жылғы { $day } { $month ->
    [jan] қаңтар
    [feb] ақпан
    [mar] наурыз
    [apr] сәуір
    [may] мамыр
    [jun] маусым
    [jul] шілде
    [aug] тамыз
    [sep] қыркүйек
    [oct] қазан
    [nov] қараша
   *[dec] желтоқсан
}, сағат { $time }
problem-malformed-multipart = Сұрау денесі дұрыс multipart/form-data емес: { $detail }
