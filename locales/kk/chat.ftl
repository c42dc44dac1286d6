# Хат экспорттары: `qorgau import chat` (crates/qorgau-chat, crates/qorgau/src/commands/chat.rs).

## Жазбаның экспорттағы орны.

chat-ref = { $kind ->
    [id] { $number }-хабарлама
    [position] «messages» тізіміндегі { $number }-элемент
   *[line] { $number }-жол
}

## Алдын ала қарау.

chat-summary-format = { $format ->
    [telegram] Telegram хатының экспорты (JSON)
    [whatsapp] WhatsApp хатының экспорты (мәтін)
   *[text] Қойылған хат мәтіні
}
chat-summary-chat-name = Хат: { $name }
chat-summary-messages = { $senders } жіберушіден { $messages } хабарлама
chat-summary-period = { $first } — { $last } аралығы ({ $zone } уақыты)
chat-summary-no-times = Хабарламаларда уақыт көрсетілмеген.
chat-summary-without-time = Уақыты жоқ хабарламалар: { $count }.
chat-summary-senders = Жіберушілер:
chat-summary-sender = { $name }: { $messages }
chat-summary-skipped = Өткізіліп жіберілгені: { $count }. Оқылмаған әр жазба осында есепке алынған:
chat-summary-nothing-skipped = Ештеңе өткізіліп жіберілмеді.
chat-summary-assumed = Экспортта көрсетілмегендіктен қабылданған болжамдар:
chat-summary-signals = Оқуға көмектесетін белгілер (олар ештеңені шешпейді; әрқайсысында іске қосылған сөздік жазбасы көрсетілген):
chat-summary-signal-count = { $category }: { $count }
chat-summary-signal = { $where }, { $category }: «{ $matched }» ({ $source })
chat-summary-signals-more = … тағы { $count }.
chat-summary-no-signals = Белгілер табылмады.
chat-summary-not-stored = Бұл алдын ала қарау: ештеңе сақталған жоқ.

## Жазбалардың өткізіліп жіберілу себебі ($count жазба; біріншісі — $kind/$number).

chat-skip-service-message = Telegram-ның қызметтік жазбалары (қосылу, бекіту, атауды өзгерту) — адам жазған хабарлама емес: { $count }; біріншісі: { chat-ref }
chat-skip-system-line = Жіберушісі жоқ WhatsApp жүйелік жолдары (шифрлау туралы хабар, қатысушылардың қосылуы не шығуы): { $count }; біріншісі: { chat-ref }
chat-skip-no-sender = Жіберушінің аты да, аккаунты да жоқ хабарламалар: { $count }; біріншісі: { chat-ref }
chat-skip-no-time = Күні жоқ хабарламалар: { $count }; біріншісі: { chat-ref }
chat-skip-bad-time = Күні не уақыты болмайтын хабарламалар: { $count }; біріншісі: { chat-ref }
chat-skip-not-an-object = «messages» тізіміндегі хабарлама емес элементтер: { $count }; біріншісі: { chat-ref }
chat-skip-unknown-type = Бұл нұсқа білмейтін түрдегі жазбалар (жаңарақ экспорт па?): { $count }; біріншісі: { chat-ref }
chat-skip-not-utf8 = UTF-8 емес байттары бар хабарламалар (басқа кодтау араласқан): { $count }; біріншісі: { chat-ref }
chat-skip-too-long = Кез келген мессенджер рұқсат ететіннен ұзын, 1 МиБ-тан асатын жолдар не хабарламалар: { $count }; біріншісі: { chat-ref }
chat-skip-cannot-place = Ешбір хабарламаға жатпайтын жолдар (бірінші хабарламаға дейінгі мәтін): { $count }; біріншісі: { chat-ref }

## Болжамдар.

chat-assumed-local-time = уақыт белдеуі көрсетілмеген уақыт { $zone } уақыты ретінде оқылды.
chat-assumed-date-order = 3/6/24 сияқты күндер { $order ->
    [day_first] «күн, ай» ретімен оқылды (3 маусым)
   *[month_first] «ай, күн» ретімен оқылды (6 наурыз)
}{ $basis ->
    [given] , --date-order көрсеткендей.
    [sequence] : бұл ретте хабарламалар уақыт бойынша жүреді.
   *[default] : файлда бұл туралы ештеңе жоқ, сондықтан оның тіліне тән әдеттегі рет алынды. Бір күнді тексеріңіз; ретті --date-order параметрімен өзгертуге болады.
}

## Белгі санаттары.

chat-signal-insult = қорлау
chat-signal-threat = қорқыту
chat-signal-sexual = жыныстық мазмұн
chat-signal-self-harm = өзіне зиян келтіруге итермелеу
chat-signal-tracking = аңду немесе бақылау
chat-signal-offline = офлайндағы қудалау
chat-signal-doxxing = дербес деректер (доксинг)
chat-signal-match = { $category } ({ $source }: { $term })

## Оқылмайтын файлдар: олардан ештеңе сақталмайды.

chat-error-io = Файлды { $read } хабарламадан кейін оқу мүмкін болмады ({ $detail }). Ештеңе импортталған жоқ.
chat-error-truncated = Файл экспорттың ортасында үзіліп қалған ({ $line }-жол, { $column }-позиция), { $read } хабарламадан кейін: ол толық емес — жүктеу не көшіру аяқталмаған. Ештеңе импортталған жоқ; хатты қайта экспорттаңыз.
chat-error-malformed = Файл { $line }-жолдың { $column }-позициясында дұрыс JSON емес ({ $detail }), { $read } хабарламадан кейін. Ештеңе импортталған жоқ; хатты қайта экспорттап, файлды өңдемеңіз.
chat-error-not-utf8 = Файлда { $read } хабарламадан кейін UTF-8 емес байттар бар ({ $line }-жол, { $column }-позиция). Ештеңе импортталған жоқ; файлды Telegram жазған күйінде пайдаланыңыз.
chat-error-utf16 = Файл UTF-16 кодтауында. Оны UTF-8 түрінде сақтап, қайта импорттаңыз. Ештеңе импортталған жоқ.
chat-error-not-an-export = Бұл Telegram хатының экспорты емес: файлдың жоғарғы деңгейінде «messages» тізімі жоқ. Telegram Desktop-та «Хат тарихын экспорттау» әрекетін «Машина оқитын JSON» пішімімен пайдаланыңыз. Ештеңе импортталған жоқ.
chat-error-whole-account-export = Бұл — көп хаты бар бүкіл Telegram аккаунтының экспорты («Telegram деректерін экспорттау»). Тек қажетті хатты экспорттаңыз: оны Telegram Desktop-та ашып, ⋮ → «Хат тарихын экспорттау», пішімі «Машина оқитын JSON». Ештеңе импортталған жоқ.
chat-error-nothing-read = Бірде-бір хабарлама оқылмады: барлық { $skipped } жазба өткізіліп жіберілді (себептері жоғарыда). --format дұрыс па? Ештеңе импортталған жоқ.
chat-error-time-zone = «{ $zone }» tz дерекқорындағы уақыт белдеуі емес; мысалы, Asia/Almaty деп көрсетіңіз.
chat-error-lexicon = Белгілер сөздіктерін жүктеу мүмкін болмады: { $detail }
chat-error-import-file = Файлды көрсетіңіз: qorgau import ФАЙЛ мұрағатты жүктейді; qorgau import chat ФАЙЛ --format telegram|whatsapp|text хат экспортын көрсетеді.
