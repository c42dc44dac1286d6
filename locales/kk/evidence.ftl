# Дәлелдер: түбіртектер, ашықтық журналы және веб-түсірілім (crates/qorgau-evidence).

## Түбіртекті тексеру (`qorgau receipt verify`)
evidence-receipt-valid = Түбіртек жарамды: { $digest } ({ $kind }, түсірілген уақыты { $captured }) — { $origin } журналының { $index }-жазбасы; журналдың қол қойылған бақылау нүктесі { $size } жазбаны қамтиды.
evidence-receipt-invalid = Түбіртек жарамсыз: { $reason }
evidence-receipt-unreadable = { $path } түбіртегі оқылмады: { $detail }
evidence-public-key-required = Түбіртекте журналдың ашық кілті жоқ: оны --public-key КІЛТ арқылы көрсетіңіз, мұнда КІЛТ — кілт мәтіні (атау+хеш+кілт) немесе ол жазылған файл. Кілт /api/v1/log/public-key мекенжайында жарияланған.
evidence-public-key-invalid = Ашық кілт жарамсыз: { $detail }
evidence-receipt-malformed = Файл түбіртек емес (бүлінген не қысқартылған болуы мүмкін): { $detail }
evidence-receipt-unsupported-format = «{ $format }» түбіртек пішімін бұл нұсқа қолдамайды.
evidence-checkpoint-malformed = Түбіртектегі қол қойылған бақылау нүктесі бұрмаланған: { $detail }
evidence-checkpoint-wrong-key = Бақылау нүктесіне { $key } кілтімен қол қойылмаған: түбіртекті басқа журнал берген немесе оның қолтаңбасы ауыстырылған.
evidence-checkpoint-signature-invalid = Бақылау нүктесінің қолтаңбасы мазмұнына сәйкес келмейді: бақылау нүктесі өзгертілген немесе жалған.
evidence-checkpoint-origin-mismatch = Бақылау нүктесі «{ $found }» журналына тиесілі, ал кілт «{ $expected }» журналынікі.
evidence-entry-malformed = Түбіртектегі журнал жазбасы бұрмаланған: { $detail }
evidence-entry-mismatch = Түбіртектің «{ $field }» өрісі журналдағы жазбамен сәйкес келмейді: түбіртек өзгертілген.
evidence-proof-malformed = Енгізу дәлелі бұрмаланған: { $detail }
evidence-index-out-of-range = { $index }-жазба { $size } жазбадан тұратын журналда бола алмайды.
evidence-proof-invalid = Енгізу дәлелі бақылау нүктесінің түбір хешіне апармайды: жазба, оның орны немесе дәлел өзгертілген.
evidence-receipt-key-from-receipt = Кілт түбіртектің өзінен алынды: { $key } (саусақ ізі { $fingerprint }). Түбіртек өз кілтіне кепіл бола алмайды — оны журналдың жарияланған кілтімен (/api/v1/log/public-key) салыстырыңыз немесе --public-key арқылы қайта тексеріңіз.
evidence-receipt-key-mismatch = Түбіртекте журналдың { $receipt_key } кілті көрсетілген, ал ол тексерілетін кілт басқа ({ $key }): түбіртек өзгертілген.
evidence-receipt-key-malformed = Түбіртекке жазылған журнал кілті жарамсыз: { $detail }

## Түсірілім сәтсіз болу себептері
evidence-capture-invalid-url = «{ $url }» — түсіруге болатын мекенжай емес.
evidence-capture-scheme = Тек http және https мекенжайлары түсіріледі, «{ $scheme }» емес.
evidence-capture-port = { $port } порты түсірілмейді (қызмет басқа порттарға рұқсат бермесе, тек 80 және 443).
evidence-capture-dns = Сайттың атауы бойынша мекенжайы анықталмады: { $detail }
evidence-capture-refused-address = { $host } { $address } мекенжайына апарады — бұл ішкі немесе резервтелген мекенжай; мұндай мекенжайларға сұрау жіберілмейді.
evidence-capture-timeout = Сайт уақытында жауап бермеді.
evidence-capture-connect = Сайтқа қосылу мүмкін болмады: { $detail }
evidence-capture-tls = Қорғалған байланыс (TLS) орнатылмады: { $detail }
evidence-capture-too-many-redirects = Сайт { $limit } реттен артық қайта бағыттады.
evidence-capture-protocol = Сайттың жауабы дұрыс HTTP емес: { $detail }
evidence-capture-store = Түсірілім сақталмады: { $detail }

## Сақталған түсірілімнің кемшіліктері
evidence-problem-http-status = Сайт { $status } HTTP мәртебесімен жауап берді (мысалы, жүйеге кіруді талап ететін бет немесе қате беті).
evidence-problem-too-large = Бет рұқсат етілген көлемнен үлкен; оның басы сақталды.
evidence-problem-timeout = Уақыт біткенде бет әлі жүктеліп жатты; келген бөлігі сақталды.
evidence-problem-disconnected = Бет жүктеліп жатқанда байланыс үзілді; келген бөлігі сақталды.
evidence-problem-decompression-limit = Сығылған бет рұқсат етілгеннен үлкен көлемге ашылады (сығу «бомбасы» болуы мүмкін); ол келген күйінде сақталды.
