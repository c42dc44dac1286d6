# Доставка предписаний и писем: вебхуки и электронная почта (crates/qorgau-delivery).

## Регистрация адреса вебхука (PUT /api/v1/owner/webhook)
delivery-webhook-url-invalid = Адрес вебхука не является полным URL. Укажите адрес целиком, например https://hooks.example.kz/qorgau.
delivery-webhook-url-too-long = Адрес вебхука длиннее { $limit } символов.
delivery-webhook-url-not-https = Адрес вебхука должен начинаться с https:// (а не «{ $scheme }»): предписания отправляются только по зашифрованному соединению.
delivery-webhook-url-credentials = Адрес вебхука не должен содержать имя пользователя или пароль. Проверяйте наши сообщения по подписи.
delivery-webhook-url-fragment = Адрес вебхука не должен содержать фрагмент (часть после «#»).
delivery-webhook-url-no-host = В адресе вебхука не указан хост.
delivery-webhook-url-private-address = Адрес вебхука указывает на { $address } — внутренний или зарезервированный адрес; вебхуки отправляются только на публичные адреса.

## Секреты вебхуков
delivery-secret-prefix = Секрет вебхука начинается с «whsec_».
delivery-secret-encoding = Секрет вебхука повреждён: часть после «whsec_» не является корректным base64.
delivery-secret-length = Секрет вебхука содержит { $length } байт; допускается от 24 до 64.
delivery-secret-randomness = Не удалось создать секрет вебхука: система не предоставила случайные данные ({ $detail }).

## Почему вебхук не доставлен (список попыток и список недоставленного)
delivery-webhook-no-secret = Для этого адреса нет действующего секрета подписи, поэтому ничего не отправлено.
delivery-webhook-timeout = Адрес вебхука не ответил вовремя.
delivery-webhook-connect = Не удалось подключиться к адресу вебхука: { $detail }
delivery-webhook-protocol = Ответ адреса вебхука не является корректным HTTP: { $detail }
delivery-webhook-redirect = Адрес вебхука ответил перенаправлением ({ $status } на «{ $location }»); перенаправления не выполняются. Владельцу следует зарегистрировать новый адрес.
delivery-webhook-too-many-requests = Адрес вебхука попросил отправлять реже (HTTP 429).
delivery-webhook-server-error = Адрес вебхука ответил ошибкой с кодом HTTP { $status }.
delivery-webhook-client-error = Адрес вебхука отклонил сообщение с кодом HTTP { $status }.

## Почему письмо не доставлено
delivery-mail-invalid-recipient = «{ $address }» не является корректным адресом электронной почты.
delivery-mail-invalid-letter = Не удалось составить письмо: { $detail }
delivery-mail-refused = Почтовый сервер окончательно отклонил письмо ({ $code }): { $detail }
delivery-mail-deferred = Почтовый сервер временно отложил письмо ({ $code }): { $detail }
delivery-mail-timeout = Почтовый сервер не ответил вовремя.
delivery-mail-tls = Не удалось установить защищённое соединение (TLS) с почтовым сервером: { $detail }
delivery-mail-connect = Не удалось связаться с почтовым сервером: { $detail }
