# Предпросмотр на странице дела перед действием (предписания, которые выдаёт
# подтверждающее решение, и письмо заявителю) и форма продления председателя.
staff-draft-orders-heading = Предписания, которые подтверждающее решение выдаёт сразу (предпросмотр)
staff-draft-orders-intro = До записи решения ничего не фиксируется. У проектов нет номера и кода проверки: предписания получат их, когда решение их выдаст.
staff-draft-order-title = Предписание владельцу { $owner }
staff-draft-order-owner = Владелец интернет-ресурса
staff-draft-order-urls = Материалы к удалению
staff-draft-order-basis = Правовое основание
staff-draft-order-deadline = Удаление в течение { $hours } ч с момента получения предписания (срок отсчитывается с доставки предписания).
staff-draft-order-pdf = Проект предписания (PDF, на казахском и русском)
staff-draft-order-html = Проект предписания (HTML)
staff-response-preview-heading = Письмо заявителю (предпросмотр, на языке дела)
staff-response-preview-intro = Прочитайте письмо, прежде чем отметить его отправку.
staff-extension-heading = Продление срока рассмотрения (председатель)
staff-extension-hint = Не более { $max_days } календарных дней со дня получения обращения, мотивированным решением; заявителю сообщается в течение { $notice_days } рабочих дней.
staff-extension-until = Продлить до (ГГГГ-ММ-ДД)
staff-extension-reason = Обоснование продления
staff-extension-submit = Продлить срок рассмотрения
staff-extension-reason-required = Укажите обоснование продления.
staff-extension-errors = Продление не записано
