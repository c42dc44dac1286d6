# HTTP-сервис (crates/qorgau-web).

problem-title = { $status ->
    [400] Неверный запрос
    [401] Требуется вход
    [403] Нет прав
    [404] Не найдено
    [409] Сейчас невозможно
    [422] Неверные данные
    [429] Слишком много попыток
   *[other] Внутренняя ошибка
}
problem-invalid-fields = { $count ->
    [one] { $count } поле заполнено неверно; ничего не записано.
    [few] { $count } поля заполнены неверно; ничего не записано.
   *[other] { $count } полей заполнены неверно; ничего не записано.
}
problem-refused = В таком виде заявление не может быть рассмотрено; ничего не записано. Причины указаны у каждого поля.
problem-malformed-json = Тело запроса — не JSON ожидаемого вида (строка { $line }, столбец { $column }): { $detail }
problem-field-required = Поле «{ $field }» обязательно.
problem-field-invalid = В поле «{ $field }» недопустимое значение.
problem-unauthenticated = Сначала войдите: передайте Authorization: Bearer с действующим токеном или ключом.
problem-forbidden = Вашей роли это не разрешено.
problem-not-found = Здесь ничего нет. Если вы следите за заявлением, проверьте номер дела и код доступа.
problem-internal = У нас что-то пошло не так; ничего из отправленного не потеряно. Попробуйте через минуту.
problem-evidence-damaged = Сохранённый файл доказательства больше не совпадает со своим отпечатком, поэтому он не выдаётся. Операторы уведомлены; будет восстановлена резервная копия.
problem-too-many-requests = Слишком много неудачных попыток. Повторите через { $seconds } с.
problem-concurrent-change = Дело изменилось, пока обрабатывался ваш запрос. Попробуйте ещё раз.
timeline-event = { $event ->
    [application_received] Заявление получено
    [application_refused] В рассмотрении заявления отказано
    [application_registered] Заявление зарегистрировано и передано экспертной группе
    [review_started] Экспертная группа приступила к рассмотрению
    [review_extended] Срок рассмотрения продлён
    [extension_notice_sent] Вас уведомили о продлении
    [decision_made] Экспертная группа приняла решение
    [order_issued] Владельцу интернет-ресурса выдано предписание об удалении
    [order_delivered] Предписание доставлено владельцу
    [order_acknowledged] Владелец подтвердил получение предписания
    [removal_reported] Владелец сообщил об удалении
    [removal_verified] Удаление проверено
    [order_not_complied] Владелец не исполнил предписание в срок
    [escalation_step_taken] Приняты меры принуждения
    [referred_to_law_enforcement] Направлено в правоохранительные органы
    [response_sent] Вам направлен ответ
    [case_closed] Дело закрыто
    [evidence_captured] Qorgau сохранил копию указанной страницы как доказательство
    [evidence_uploaded] Файл сохранён как доказательство без изменений
    [capture_failed] Qorgau не смог сохранить копию страницы (попробует ещё раз, если это возможно)
    [removal_rechecked] Qorgau повторно проверил страницу: удалено ли содержимое
   *[other] { $event }
}
# Момент времени словами, по времени Алматы ($month: jan … dec).
when-in-words = { $day } { $month ->
    [jan] января
    [feb] февраля
    [mar] марта
    [apr] апреля
    [may] мая
    [jun] июня
    [jul] июля
    [aug] августа
    [sep] сентября
    [oct] октября
    [nov] ноября
   *[dec] декабря
} { $year } г., { $time }
problem-malformed-multipart = Тело запроса — не корректный multipart/form-data: { $detail }
