# Страницы (crates/qorgau-web/templates).

page-language = Язык
start-title = Сообщить о кибербуллинге в отношении ребёнка
start-lead = Если ребёнка унижают, преследуют или запугивают в интернете, вы можете обратиться в уполномоченный орган, чтобы материалы удалили. Подать заявление могут родители, законные представители, сам ребёнок и любой гражданин. Это бесплатно.
start-before = Перед началом подготовьте
start-need-resource = где это происходит: ссылку на страницу, канал, группу или аккаунт (обязательно)
start-need-child = имя и дату рождения ребёнка
start-need-contact = адрес электронной почты или номер телефона для ответа
start-rule = По закону в заявлении нужно указать интернет-ресурс, на котором совершается кибербуллинг. Заявление без него не может быть рассмотрено.
start-deadlines = Экспертная группа рассматривает заявление в течение 3 рабочих дней. Если кибербуллинг подтверждён, владельцу ресурса предписывают удалить материалы в течение 24 часов. Ответ придёт на языке вашего заявления.
start-button = Начать
start-track = Узнать, что с поданным заявлением
apply-title = Заявление о кибербуллинге в отношении ребёнка
apply-error-summary = Есть ошибки
apply-you = О вас
apply-applicant-name = Ваши фамилия, имя и отчество
apply-relation = Кем вы приходитесь ребёнку?
apply-relation-parent = Родитель
apply-relation-legal-representative = Законный представитель
apply-relation-child = Я и есть ребёнок
apply-relation-citizen = Другой гражданин
apply-child = О ребёнке
apply-child-name = Имя ребёнка
apply-child-birth-date = Дата рождения ребёнка
apply-date-hint = Например, 2012-04-15
apply-resources = Где это происходит
apply-resources-rule = Укажите хотя бы один интернет-ресурс: ссылку на страницу, публикацию, канал, группу или аккаунт. Без этого заявление не может быть рассмотрено (Закон «О масс-медиа»).
apply-resource-1 = Ссылка или аккаунт
apply-resource-2 = Ещё одна ссылка (необязательно)
apply-resource-3 = Ещё одна ссылка (необязательно)
apply-resource-hint = Например, https://t.me/название_канала или instagram.com/аккаунт
apply-incidents = Что произошло
apply-incidents-hint = Кибербуллинг — это унижение, преследование или запугивание, повторявшееся два и более раза. Опишите каждый случай отдельно.
apply-incident = Случай { $number }
apply-incident-date = Когда это произошло?
apply-incident-resource = Где (ссылка)?
apply-incident-actor = С какого аккаунта (если известно)?
apply-incident-description = Что произошло?
apply-contact = Как вам ответить
apply-contact-hint = Укажите хотя бы одно. Мы пишем только по этому заявлению.
apply-email = Адрес электронной почты
apply-phone = Номер телефона
apply-phone-hint = Казахстанский номер, например +7 701 123 45 67
apply-consent = Подтверждаю, что сведения верны, и согласен(на) на их обработку для рассмотрения заявления.
apply-consent-required = Подтвердите сведения и дайте согласие на их обработку.
apply-submit = Отправить заявление
applied-title = Заявление принято
applied-case = Номер дела
applied-code = Код доступа
applied-keep-code = Запишите номер дела и код доступа сейчас. Они нужны, чтобы следить за заявлением; код показывается только один раз.
applied-next = Что будет дальше
applied-decision-due = Экспертная группа примет решение до { $date } (время Алматы).
applied-response-due = Ответ придёт до { $date } (время Алматы).
applied-what-happens = Если кибербуллинг подтвердится, владельцу ресурса предпишут удалить материалы в течение 24 часов, и мы проверим, что они удалены.
track-title = Узнать, что с заявлением
track-case = Номер дела
track-case-hint = Например, QG-2026-000123
track-code = Код доступа
track-submit = Показать
track-not-found = Заявление с таким номером и кодом не найдено. Проверьте оба и попробуйте ещё раз.
tracked-title = Заявление { $case }
tracked-received = Получено
tracked-decision-due = Срок решения
tracked-response-due = Срок ответа
tracked-timeline = Что уже произошло
tracked-evidence = Доказательства и квитанции
tracked-evidence-lead = Каждая сохранённая нами страница и каждый приложенный вами файл вносятся в открытый журнал, который нельзя незаметно изменить. Квитанция доказывает, когда запись внесена и что с тех пор она не менялась. Сохраните квитанции: проверить их может любой, не обращаясь к нам.
tracked-evidence-none = Пока ничего не сохранено. Указанные вами страницы сохраняются вскоре после регистрации заявления; загляните позже.
tracked-evidence-kind = { $kind ->
    [capture] Сохранённая веб-страница
    [recapture] Повторная проверка страницы после предписания об удалении
    [upload] Приложенный вами файл
    [chat] Переписка, добавленная сотрудниками
   *[other] Файл
}
tracked-evidence-file = № { $number }
tracked-evidence-when = { $kind ->
    [upload] Получено { $when }
    [chat] Добавлено { $when }
   *[other] Сохранено { $when }
}
tracked-evidence-ok = Сохранено и внесено в журнал.
tracked-evidence-problem = Сохранено, но с проблемой: { $problem }
tracked-evidence-retrying = Пока не сохранено: { $reason } Повторим попытку { $when }.
tracked-evidence-failed = Сохранить не удалось: { $reason }
tracked-evidence-reason = { $reason ->
    [invalid_url] этот адрес нельзя открыть.
    [scheme_not_allowed] сохраняются только адреса http и https.
    [port_not_allowed] сохраняются только адреса на обычных веб-портах (80 и 443).
    [dns] не удалось найти сайт по его имени.
    [refused_address] адрес ведёт во внутреннюю сеть; такие адреса никогда не открываются.
    [timeout] сайт не ответил вовремя.
    [connect] не удалось соединиться с сайтом.
    [tls] не удалось установить защищённое соединение с сайтом.
    [too_many_redirects] сайт слишком много раз перенаправлял на другие адреса.
    [protocol] ответ сайта не является правильной веб-страницей.
    [store] не удалось сохранить на нашей стороне.
   *[other] страницу не удалось сохранить.
}
tracked-receipt-view = Посмотреть квитанцию
tracked-receipt-download = Скачать квитанцию (JSON)
receipt-title = Квитанция о доказательстве
receipt-lead = Эта квитанция доказывает, что указанный ниже материал внесён в открытый журнал доказательств Qorgau в указанное время и что ни сам материал, ни запись о нём нельзя незаметно изменить или удалить. В ней только отпечатки, время и номера в журнале — ни имён, ни других сведений о ребёнке, — поэтому её можно показать кому угодно.
receipt-kind = Что это
receipt-item = Номер материала
receipt-size = Размер
receipt-size-bytes = { $size } { $size ->
    [one] байт
    [few] байта
   *[other] байт
}
receipt-digest = Хеш SHA-256 (отпечаток файла)
receipt-digest-hint = Любое изменение файла, даже одного байта, даёт совсем другой хеш.
receipt-captured = { $kind ->
    [upload] Получено
    [chat] Добавлено
   *[other] Сохранено
} (время Алматы)
receipt-log-index = Номер записи в журнале
receipt-tree-size = Записей в журнале на момент подписи квитанции
receipt-checkpoint = Подписанная контрольная точка
receipt-checkpoint-hint = Состояние журнала, подписанное его ключом: имя журнала, число записей и корневой хеш, затем подпись.
receipt-proof = Доказательство включения: { $count } { $count ->
    [one] хеш
    [few] хеша
   *[other] хешей
}
receipt-proof-hint = Хеши, которые ведут от этой записи к корневому хешу контрольной точки, начиная с соседней записи.
receipt-check = Как проверить самостоятельно
receipt-check-lead = Не нужно верить ни этой странице, ни нам. Файл квитанции можно проверить на любом компьютере без связи с Qorgau:
receipt-check-download = Скачайте файл квитанции:
receipt-check-key = Сохраните открытый ключ журнала, опубликованный по этому адресу, в файл public-key.txt:
receipt-check-run = Запустите проверку программой Qorgau; интернет для неё не нужен:
receipt-check-valid = Если программа ответит, что квитанция действительна, материал с этим хешем — запись { $index } журнала, а подписанная контрольная точка журнала охватывает записей: { $size }. Если в файле изменён хотя бы один байт, проверка не пройдёт и назовёт причину.
receipt-print = Чтобы сохранить бумажную копию, распечатайте эту страницу; кнопки при печати не выводятся.
receipt-back = Вернуться к заявлению
staff-login-title = Вход для сотрудников
staff-username = Имя пользователя
staff-password = Пароль
staff-login-submit = Войти
staff-login-failed = Неверное имя пользователя или пароль.
staff-signed-in = Вы вошли как { $user }.
staff-logout = Выйти
staff-queue-title = Дела по срокам
staff-col-case = Дело
staff-col-status = Состояние
staff-col-deadline = Ближайший срок
staff-col-left = Осталось
staff-back = К списку дел
staff-language = Язык заявления
staff-decision = Решение
staff-resources = Интернет-ресурсы
staff-incidents = Эпизоды
staff-votes = Голоса экспертной группы
staff-vote = Ваш голос
staff-vote-confirm = Подтвердить
staff-vote-not-confirm = Не подтверждать
staff-category = Категория
staff-reasons = Обоснование
staff-vote-submit = Проголосовать
staff-override = Обоснование, чтобы подтвердить кибербуллинг менее чем по двум эпизодам (только при необходимости)
staff-decide = Записать решение группы
staff-orders = Предписания
staff-respond = Отметить, что ответ направлен
owner-title = Предписания для владельцев интернет-ресурсов
owner-lead = Войдите с API-ключом, выданным уполномоченным органом. Вы увидите адресованные вам предписания: что удалить, в какой срок и на каком основании.
owner-api-key = API-ключ
owner-login-failed = Такой API-ключ неизвестен.
owner-orders-title = Ваши предписания
owner-orders-lead = Удалите материалы в течение 24 часов с момента получения предписания и сообщите об этом здесь. Просмотр предписания на этой странице считается его получением.
owner-no-orders = Предписаний нет.
owner-order = Предписание { $order }
owner-remove = Что удалить
owner-due = Удалить до (время Алматы)
owner-basis = Правовое основание
owner-acknowledge = Подтвердить получение
owner-note = Примечание (необязательно)
owner-report-removal = Сообщить об удалении материалов
staff-applicant = Заявитель
staff-register = Зарегистрировать бумажное заявление
staff-received-on = Дата поступления (штамп)
staff-received-on-hint = Сроки считаются с этого дня. Оставьте пустым, если сегодня.
staff-postal-address = Почтовый адрес для ответа (бумажные заявления)
staff-verify-result = Что сейчас на странице?
staff-verify-removed = Удалено
staff-verify-still-present = Всё ещё там
staff-verify-unreachable = Недоступно
staff-verify = Записать результат проверки
staff-not-complied = Зафиксировать неисполнение (срок истёк)
staff-escalate-reason = Причина, если раньше срока
staff-escalate = Следующая мера: { $step }
escalation-kind-name = { $kind ->
    [reminder] напоминание
    [repeated_order] повторное предписание
    [administrative_offence] протокол об административном правонарушении
   *[access_restriction_request] запрос на ограничение доступа
}

## Файлы-доказательства в форме заявления и на страницах дела
apply-evidence = Файлы (необязательно)
apply-evidence-hint = До 5 файлов: изображения PNG, JPEG, WebP или GIF, документы PDF, видео MP4. Не более 10 МБ каждый и 25 МБ всего. Тип определяется по содержимому файла, а не по имени.
apply-evidence-again = Если форма вернётся с ошибкой, выберите файлы заново: до отправки заявления они не сохраняются.
apply-evidence-type = Файл не является изображением PNG, JPEG, WebP или GIF, документом PDF или видео MP4 (проверено содержимое, а не имя). Уберите его или выберите другой, затем выберите файлы заново.
apply-evidence-too-large = Файл больше 10 МБ. Выберите файлы поменьше, затем выберите файлы заново.
apply-evidence-total = Файлы вместе больше 25 МБ. Выберите меньше файлов или файлы поменьше, затем выберите файлы заново.
apply-evidence-too-many = Можно приложить не более 5 файлов. Выберите файлы заново.
evidence-list = Доказательства
evidence-none = Доказательств пока нет.
evidence-kind = { $kind ->
    [capture] Снимок страницы
    [recapture] Повторный снимок
   *[upload] Загруженный файл
}
evidence-open = Показать изображение
evidence-download = Скачать
staff-show-image = Показать (может травмировать)
staff-download = Скачать
people-title = Сотрудники и владельцы ресурсов
people-staff = Сотрудники
people-name = Имя
people-role = Роль
people-role-expert = Эксперт
people-role-chair = Председатель экспертной группы
people-role-coordinator = Координатор
people-new-password = Новый пароль
people-add-staff = Добавить сотрудника
people-owners = Владельцы ресурсов
people-owner-key = Ключ владельца
people-owner-key-hint = Платформа (telegram, instagram, …) или адрес сайта (example.kz): ему адресуются предписания.
people-domains = Имена хостов
people-domains-hint = Через запятую, например t.me, telegram.me
people-add-owner = Добавить владельца и показать его API-ключ
people-invalid = Заполните все поля; имя пользователя и ключ владельца — одно слово без пробелов.
people-exists = «{ $name }» уже существует.
owner-login-throttled = Слишком много неудачных попыток входа с этого адреса. Подождите пятнадцать минут и попробуйте снова.
