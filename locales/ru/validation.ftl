## Проверка ввода: каждое сообщение называет нарушенное правило.
## Код ошибки в API — идентификатор без «validation-», с «_» вместо «-».
## Правила и источники: docs/validation.md.

## ИИН (постановление Правительства РК № 565 от 11 июня 2003 года)

validation-iin-wrong-length = ИИН состоит из 12 цифр; в этом { $length ->
        [one] { $length } цифра
        [few] { $length } цифры
       *[other] { $length } цифр
    }.
validation-iin-non-digit = ИИН состоит только из цифр; символ № { $position } — «{ $character }».
validation-iin-invalid-century-digit = 7-я цифра ИИН обозначает век рождения и пол и может быть от 1 до 6; здесь — { $digit }.
validation-iin-invalid-birth-date = Первые шесть цифр ИИН — дата рождения (ГГММДД); { $digits } не является датой.
validation-iin-checksum-mismatch = Последняя цифра этого ИИН не соответствует остальным: вероятно, одна из цифр набрана с ошибкой. Сверьте номер с документом.
validation-iin-checksum-undefined = ИИН с такими первыми 11 цифрами не присваивается. Сверьте номер с документом.

## Телефоны (Казахстан: +7 6xx и +7 7xx)

validation-phone-empty = Номер телефона не указан.
validation-phone-invalid-character = Номер телефона состоит из цифр, пробелов, дефисов, скобок и знака + в начале; символ «{ $character }» недопустим.
validation-phone-wrong-length = Казахстанский номер — это +7 или 8 и ещё 10 цифр; в этом номере { $digits ->
        [one] { $digits } цифра
        [few] { $digits } цифры
       *[other] { $digits } цифр
    }.
validation-phone-invalid-prefix = Казахстанский номер начинается с +7 или 8; этот начинается с { $prefix }.
validation-phone-foreign-country-code = У казахстанского номера код страны +7; этот начинается с +{ $prefix }.
validation-phone-not-kazakhstan = +7 { $zone } — не казахстанский номер: коды Казахстана после +7 начинаются с 6 или 7 (например, +7 701 или +7 727).

## Электронная почта

validation-email-empty = Адрес электронной почты не указан.
validation-email-contains-space = В адресе электронной почты не бывает пробелов.
validation-email-too-long = Адрес электронной почты — не длиннее 254 символов; в этом { $length ->
        [one] { $length } символ
        [few] { $length } символа
       *[other] { $length } символов
    }.
validation-email-missing-at = В адресе электронной почты между именем и доменом стоит @, например name@example.kz.
validation-email-multiple-at = В адресе электронной почты ровно один знак @; в этом их { $count }.
validation-email-local-empty = В адресе электронной почты перед @ стоит имя, например name@example.kz.
validation-email-local-too-long = Часть адреса перед @ — не длиннее 64 символов; в этой { $length ->
        [one] { $length } символ
        [few] { $length } символа
       *[other] { $length } символов
    }.
validation-email-local-invalid-character = Часть адреса перед @ состоит только из латинских букв, цифр и знаков . _ - +; символ «{ $character }» недопустим.
validation-email-local-misplaced-dot = Часть адреса перед @ не может начинаться или заканчиваться точкой и не может содержать две точки подряд.
validation-email-domain-empty = В адресе электронной почты после @ стоит домен, например name@example.kz.
validation-email-domain-without-dot = В домене адреса электронной почты есть точка, например example.kz; в «{ $domain }» её нет.
validation-email-domain-invalid = «{ $domain }» — недопустимое доменное имя: домен состоит из букв, цифр и дефисов, части разделяются точками.

## Даты

validation-date-empty = Дата не указана.
validation-date-format = Дата записывается в виде ГГГГ-ММ-ДД, например 2025-01-28; «{ $input }» записано иначе.
validation-date-no-such-day = Дня { $input } нет в календаре: проверьте месяц и число.

## Интернет-ресурсы (в заявлении должен быть указан интернет-ресурс)

validation-resource-empty = Интернет-ресурс не указан: укажите ссылку, канал или аккаунт, где размещены материалы.
validation-resource-too-long = Ссылка — не длиннее 2048 символов; в этой { $length ->
        [one] { $length } символ
        [few] { $length } символа
       *[other] { $length } символов
    }.
validation-resource-contains-space = В ссылке не бывает пробелов. Указывайте ссылки по одной.
validation-resource-handle-needs-platform = { $handle } — имя аккаунта: укажите, на какой платформе он находится (Telegram, Instagram, TikTok…), или дайте ссылку на него.
validation-resource-unsupported-scheme = Ссылка начинается с https:// или http://; ссылки вида «{ $scheme }:» не принимаются.
validation-resource-unparseable = «{ $input }» — не ссылка на сайт. Скопируйте ссылку из адресной строки браузера.
validation-resource-userinfo = Ссылка не должна содержать имя пользователя или пароль (часть перед @). Скопируйте ссылку из адресной строки браузера.
validation-resource-host-without-dot = «{ $host }» — не адрес сайта: в имени сайта есть точка, например example.kz. Если это аккаунт, укажите и платформу.
validation-resource-ip-not-public = { $address } — частный или зарезервированный адрес, а не место в интернете.
validation-resource-platform-home = Это главная страница { $platform }: дайте ссылку на аккаунт, канал или публикацию, где размещены материалы.
validation-resource-unknown-platform = Платформа «{ $name }» неизвестна Qorgau; дайте ссылку.
validation-resource-invalid-handle = «{ $handle }» — не имя аккаунта в { $platform }: имя аккаунта состоит из букв, цифр, точек, дефисов и подчёркиваний.
validation-resource-handle-not-supported = В { $platform } нет имён аккаунтов; дайте ссылку.

## Участники (аккаунт, который публикует)

validation-actor-platform-mismatch = Эта ссылка ведёт на { $found }, а не на { $expected }.
validation-actor-not-an-account = Эта ссылка ведёт на { $kind ->
        [post] публикацию
        [video] видео
        [page] страницу
        [playlist] плейлист
        [invite] приглашение в чат
        [short_link] короткую ссылку
       *[other] материал
    }, а не на аккаунт: укажите имя аккаунта или ссылку на него.
