# Собственные тексты командной строки (crates/qorgau/src).

cli-invalid-fields = В заявлении { $count ->
    [one] { $count } неверное поле
    [few] { $count } неверных поля
   *[other] { $count } неверных полей
}; ничего не записано:
cli-store-error = Ошибка хранилища: { $detail }
cli-verify-broken = Запись дел нарушена на порядковом номере { $seq } ({ $fault }).
cli-verify-intact = Запись дел цела: событий — { $entries }, вершина { $head }.
cli-case-not-found = Дела { $case } нет.
cli-order-not-found = Предписания { $order } нет (номера предписаний выглядят так: QG-2026-000001-1).
cli-actor-required = Укажите, кто действует: --as ИМЯ_ПОЛЬЗОВАТЕЛЯ или переменная QORGAU_USER (см. `qorgau staff list`).
cli-unknown-staff = Сотрудника «{ $user }» нет (см. `qorgau staff list`).
cli-staff-inactive = Сотрудник «{ $user }» больше не активен.
cli-invalid-date = «{ $value }» — не дата: укажите в формате ГГГГ-ММ-ДД.
cli-invalid-time = «{ $value }» — не время: укажите в формате RFC 3339 со смещением, например 2026-12-01T09:30:00+05:00.
cli-file-unreadable = Не удалось прочитать { $path }: { $detail }
cli-json-invalid = { $path } — неверное заявление (строка { $line }, столбец { $column }): { $detail }
cli-initialized = Хранилище готово: { $path }
cli-staff-added = Добавлен(а) { $user }.
cli-chair-is-expert = Председателем может быть только член экспертной группы: укажите --role expert вместе с --chair.
cli-bad-username = Имя пользователя — одно слово без пробелов.
cli-chair-marker = председатель
cli-case-created = Дело { $case } зарегистрировано: { phase-name }.
cli-case-phase = Дело { $case }: { phase-name }.
cli-regime = Правовой режим: { $regime }
cli-deadline = { deadline-kind-name }: до конца дня { $date } (время Алматы; просрочено с { $time }).
cli-provisional = (предварительно: постановление о календаре на этот год ещё не подтверждено)
cli-event-recorded = Записано: { $event }
cli-order-issued = Предписание { $order } — { $owner }
cli-received = Поступило { $time } (время Алматы), { $channel }, язык: { $language }
cli-pending-deadline = Ожидается — { deadline-kind-name } { $order }: { $time } (время Алматы), { $left }
cli-extension = Срок рассмотрения продлён до { $date }: { $reason }
cli-resources = Интернет-ресурсы: { $count }
cli-incidents = Эпизоды: { $count }
cli-vote = Голос { $expert }: { $vote }, { $category } — { $reasons }
cli-decision = Решение: { $outcome }, { $category } ({ $time }, время Алматы)
cli-order = Предписание { $order } — { $owner }: { order-status-name }
cli-timeline = Запись:
cli-no-cases = Дел нет.
cli-board-empty = Ожидающих сроков нет.
cli-unknown-state = «{ $value }» — не состояние дела (received, refused, registered, under_review, not_confirmed, confirmed, closed).
cli-days-left = { $days ->
    [0] срок сегодня
    [one] остался { $days } рабочий день
    [few] осталось { $days } рабочих дня
   *[other] осталось { $days } рабочих дней
}
cli-overdue-days = { $days ->
    [0] просрочено
    [one] просрочено на { $days } рабочий день
    [few] просрочено на { $days } рабочих дня
   *[other] просрочено на { $days } рабочих дней
}
cli-days-left-unknown = число оставшихся рабочих дней неизвестно (нет календаря на этот год)
cli-hours-left = { $hours ->
    [one] остался { $hours } час
    [few] осталось { $hours } часа
   *[other] осталось { $hours } часов
}
cli-overdue-hours = { $hours ->
    [one] просрочено на { $hours } час
    [few] просрочено на { $hours } часа
   *[other] просрочено на { $hours } часов
}
deadline-kind-name = { $kind ->
    [decision] Решение экспертной группы
    [extension_notice] Уведомление заявителя о продлении
    [response] Ответ заявителю
    [removal] Удаление владельцем ресурса
   *[escalation] Следующая ступень эскалации
}
cli-access-code = Код доступа для заявителя (передайте один раз, он не хранится): { $code }
cli-serving = Qorgau работает по адресу { $url } (хранилище: { $store }). Остановить — Ctrl+C.
cli-stopped = Остановлено; все начатые запросы завершены.
cli-cannot-listen = Не удалось открыть { $addr }: { $detail }
cli-demo-seeded = Демонстрационные сотрудники, владельцы ресурсов и дела готовы; их учётные данные (также в { $path }):
cli-demo-existing = Демонстрационные данные уже созданы; учётные данные (из { $path }):
cli-demo-lost = Демонстрационные данные уже созданы, но файл { $path } с учётными данными пропал: используйте новую папку данных.
cli-password-set = Новый пароль для { $user } (показывается один раз): { $password }
cli-owner-added = Владелец ресурса { $owner } добавлен. API-ключ (показывается один раз): { $key }

## Доказательства: журнал прозрачности, его ключ и обработчик заданий
cli-log-public-key = Открытый ключ журнала прозрачности (передайте его `qorgau receipt verify --public-key`): { $key }
cli-log-key-created = Создан новый ключ журнала прозрачности: { $path } (храните его в тайне и сделайте резервную копию).
cli-verify-log-intact = Журнал прозрачности соответствует записи: листьев — { $leaves }, из них доказательств — { $evidence }, корень { $root }.
cli-verify-checkpoint = Последняя подписанная контрольная точка охватывает { $size } листьев, совпадает с журналом, её подпись ключом { $key } верна.
cli-verify-checkpoint-unchecked = Последняя подписанная контрольная точка охватывает { $size } листьев и совпадает с журналом; подпись не проверена (нет ключа журнала в { $path }).
cli-verify-files-intact = Все файлы доказательств, которые хранит запись, на месте и не изменены: файлов — { $files }, прочитано байт — { $bytes }.
cli-verify-files-none = В записи пока нет файлов доказательств.
cli-verify-files-unchecked = В записи файлов доказательств — { $files }; они не проверены: хранилища доказательств в { $path } нет (--blobs).
cli-verify-file-missing = Файла доказательства { $digest } нет в хранилище доказательств (дело { $case }, порядковый номер { $seq }); других отсутствующих или повреждённых файлов — { $others }.
cli-verify-file-damaged = Файл доказательства { $digest } повреждён: его байты больше не дают его хеш (дело { $case }, порядковый номер { $seq }); других отсутствующих или повреждённых файлов — { $others }.
cli-verify-no-checkpoint = Подписанных контрольных точек пока нет.
cli-verify-statistics-intact = Статистические итоги совпадают с обращениями: проверено дней — { $days }.
cli-verify-statistics-broken = Статистические итоги за { $day } не совпадают с обращениями этого дня, поэтому опубликованные цифры были бы неверны. `qorgau export` и `qorgau import` в новое хранилище восстановят их из записи дел.
cli-verify-log-broken = Журнал прозрачности не соответствует записи: { $detail }
cli-verify-checkpoint-forged = Последняя контрольная точка ({ $size } листьев) не подписана надлежащим образом ключом этого журнала: { $detail }
cli-evidence-error = Ошибка хранилища доказательств или ключа журнала: { $detail }
cli-document-error = Не удалось сформировать документ: { $detail }
cli-outbox-setup = Настройки отправки не работают: { $detail }
cli-capture-test-mode = предупреждение: задано { $setting }: сбор доказательств работает в тестовом режиме (только для тестов).
cli-capture-ports-invalid = QORGAU_CAPTURE_PORTS (--capture-ports) должен содержать номера портов от 1 до 65535 через запятую, например 80,443,8080; «{ $value }» — не номер порта.
