# Экспорт переписки: `qorgau import chat` (crates/qorgau-chat, crates/qorgau/src/commands/chat.rs).

## Где находится запись в экспорте.

chat-ref = { $kind ->
    [id] сообщение { $number }
    [position] элемент { $number } списка «messages»
   *[line] строка { $number }
}

## Предпросмотр.

chat-summary-format = { $format ->
    [telegram] Экспорт чата Telegram (JSON)
    [whatsapp] Экспорт чата WhatsApp (текст)
   *[text] Вставленный текст переписки
}
chat-summary-chat-name = Чат: { $name }
chat-summary-messages = { $messages ->
    [one] { $messages } сообщение
    [few] { $messages } сообщения
   *[other] { $messages } сообщений
} от { $senders ->
    [one] { $senders } отправителя
   *[other] { $senders } отправителей
}
chat-summary-period = С { $first } по { $last } (время { $zone })
chat-summary-no-times = У сообщений нет времени отправки.
chat-summary-without-time = Сообщений без времени: { $count }.
chat-summary-senders = Отправители:
chat-summary-sender = { $name }: { $messages }
chat-summary-skipped = Пропущено: { $count }. Здесь учтена каждая непрочитанная запись:
chat-summary-nothing-skipped = Ничего не пропущено.
chat-summary-assumed = Допущения (в экспорте этого нет):
chat-summary-signals = Сигналы в помощь чтению (они ничего не решают; у каждого указана сработавшая статья словаря):
chat-summary-signal-count = { $category }: { $count }
chat-summary-signal = { $where }, { $category }: «{ $matched }» ({ $source })
chat-summary-signals-more = … и ещё { $count }.
chat-summary-no-signals = Сигналов не найдено.
chat-summary-not-stored = Это предпросмотр: ничего не сохранено.

## Почему записи пропущены ($count штук; первая — $kind/$number).

chat-skip-service-message = Служебных записей Telegram (вступления, закрепления, смена названия) — не сообщений человека: { $count }; первая: { chat-ref }
chat-skip-system-line = Системных строк WhatsApp (уведомление о шифровании, добавление и выход участников) без отправителя: { $count }; первая: { chat-ref }
chat-skip-no-sender = Сообщений без имени или аккаунта отправителя: { $count }; первое: { chat-ref }
chat-skip-no-time = Сообщений без даты: { $count }; первое: { chat-ref }
chat-skip-bad-time = Сообщений с несуществующей датой или временем: { $count }; первое: { chat-ref }
chat-skip-not-an-object = Элементов списка «messages», которые не являются сообщениями: { $count }; первый: { chat-ref }
chat-skip-unknown-type = Записей неизвестного этой версии типа (более новый экспорт?): { $count }; первая: { chat-ref }
chat-skip-not-utf8 = Сообщений с байтами не в кодировке UTF-8 (примешана другая кодировка): { $count }; первое: { chat-ref }
chat-skip-too-long = Строк или сообщений длиннее 1 МиБ — больше, чем допускает любой мессенджер: { $count }; первая: { chat-ref }
chat-skip-cannot-place = Строк, не относящихся ни к одному сообщению (текст до первого сообщения): { $count }; первая: { chat-ref }

## Допущения.

chat-assumed-local-time = время без часового пояса прочитано как время { $zone }.
chat-assumed-date-order = даты вида 3/6/24 прочитаны { $order ->
    [day_first] как «день, месяц» (3 июня)
   *[month_first] как «месяц, день» (6 марта)
}{ $basis ->
    [given] , как указано в --date-order.
    [sequence] : при таком порядке сообщения идут по времени.
   *[default] : в файле на это ничего не указывает, это обычный порядок для его языка. Проверьте какую-нибудь дату; изменить порядок можно параметром --date-order.
}

## Категории сигналов.

chat-signal-insult = оскорбление
chat-signal-threat = угроза
chat-signal-sexual = сексуальное содержание
chat-signal-self-harm = склонение к самоповреждению
chat-signal-tracking = слежка или отслеживание
chat-signal-offline = преследование в офлайне
chat-signal-doxxing = персональные данные (доксинг)
chat-signal-match = { $category } ({ $source }: { $term })

## Файлы, которые нельзя прочитать: из них ничего не сохраняется.

chat-error-io = Не удалось прочитать файл ({ $detail }) после сообщений: { $read }. Ничего не импортировано.
chat-error-truncated = Файл обрывается посреди экспорта (строка { $line }, позиция { $column }) после сообщений: { $read }. Он неполный — загрузка или копирование прервались. Ничего не импортировано; выгрузите чат заново.
chat-error-malformed = Файл не является корректным JSON в строке { $line }, позиция { $column } ({ $detail }), после сообщений: { $read }. Ничего не импортировано; выгрузите чат заново и не редактируйте файл.
chat-error-not-utf8 = В файле есть байты не в кодировке UTF-8 (строка { $line }, позиция { $column }) после сообщений: { $read }. Ничего не импортировано; используйте файл в том виде, в каком его записал Telegram.
chat-error-utf16 = Файл в кодировке UTF-16. Сохраните его в UTF-8 и импортируйте снова. Ничего не импортировано.
chat-error-not-an-export = Это не экспорт чата Telegram: в файле нет списка «messages» на верхнем уровне. Используйте «Экспорт истории чата» в Telegram Desktop в формате «Машиночитаемый JSON». Ничего не импортировано.
chat-error-whole-account-export = Это экспорт всего аккаунта Telegram («Экспорт данных из Telegram») со многими чатами. Выгрузите только нужный чат: откройте его в Telegram Desktop, ⋮ → «Экспорт истории чата», формат «Машиночитаемый JSON». Ничего не импортировано.
chat-error-nothing-read = Не удалось прочитать ни одного сообщения: пропущены все записи ({ $skipped }), причины выше. Правильно ли указан --format? Ничего не импортировано.
chat-error-time-zone = «{ $zone }» — не часовой пояс из базы tz; укажите, например, Asia/Almaty.
chat-error-lexicon = Не удалось загрузить словари сигналов: { $detail }
chat-error-import-file = Укажите файл: qorgau import ФАЙЛ загружает архив; qorgau import chat ФАЙЛ --format telegram|whatsapp|text показывает экспорт переписки.
