# Журналдың дәлелдері және қызметкердің сұрауымен түсіру (4-міндет).

log-proof-beyond-log = Журналда { $size } жапырақ бар; { $tree_size } жапырақты ағаш одан асып кетеді.
log-proof-index-out-of-range = { $index } жапырағы { $tree_size } жапырақты ағашта жоқ.
log-proof-first-after-second = Бірінші ағаш ({ $first } жапырақ) екіншісінен ({ $second }) үлкен.
log-proof-index-or-evidence = Жапырақ нөмірін («index») немесе дәлелді («evidence_id») көрсетіңіз — екеуінің бірін.
capture-request-not-a-case-url = Бұл мекенжай істе көрсетілмеген; тек істің өз мекенжайлары түсіріледі.
capture-request-button = Қазір түсіру
capture-request-label = Осы істің мекенжайын қазір түсіру
evidence-screenshot = экран суреті
evidence-dom = браузер көрсеткен бет (HTML)
cli-capture-browser-missing = Түсіруге арналған браузерді пайдалану мүмкін емес: { $detail }. QORGAU_CAPTURE_BROWSER параметріне Chromium жолын, «auto» немесе «off» мәнін беріңіз.
