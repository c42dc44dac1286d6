# Доказательства: квитанции, журнал прозрачности и веб-захват (crates/qorgau-evidence).

## Проверка квитанции (`qorgau receipt verify`)
evidence-receipt-valid = Квитанция действительна: { $digest } ({ $kind }, снято { $captured }) — запись { $index } журнала { $origin }; его подписанная контрольная точка охватывает записей: { $size }.
evidence-receipt-invalid = Квитанция НЕдействительна: { $reason }
evidence-receipt-unreadable = Не удалось прочитать квитанцию { $path }: { $detail }
evidence-public-key-required = В квитанции нет открытого ключа журнала: укажите его через --public-key КЛЮЧ, где КЛЮЧ — текст ключа (имя+хеш+ключ) или файл с ним. Ключ опубликован по адресу /api/v1/log/public-key.
evidence-public-key-invalid = Открытый ключ недействителен: { $detail }
evidence-receipt-malformed = Файл не является квитанцией (повреждён или обрезан?): { $detail }
evidence-receipt-unsupported-format = Формат квитанции «{ $format }» не поддерживается этой версией.
evidence-checkpoint-malformed = Подписанная контрольная точка в квитанции искажена: { $detail }
evidence-checkpoint-wrong-key = Контрольная точка не подписана ключом { $key }: квитанция выдана другим журналом или её подпись подменена.
evidence-checkpoint-signature-invalid = Подпись контрольной точки не соответствует её содержимому: контрольная точка изменена или подделана.
evidence-checkpoint-origin-mismatch = Контрольная точка относится к журналу «{ $found }», а ключ — к журналу «{ $expected }».
evidence-entry-malformed = Запись журнала в квитанции искажена: { $detail }
evidence-entry-mismatch = Поле квитанции «{ $field }» не совпадает с записью в журнале: квитанция изменена.
evidence-proof-malformed = Доказательство включения искажено: { $detail }
evidence-index-out-of-range = Записи { $index } не может быть в журнале из { $size } записей.
evidence-proof-invalid = Доказательство включения не приводит к корневому хешу контрольной точки: запись, её позиция или доказательство изменены.
evidence-receipt-key-from-receipt = Ключ взят из самой квитанции: { $key } (отпечаток { $fingerprint }). Квитанция не может ручаться за собственный ключ — сравните его с опубликованным ключом журнала (/api/v1/log/public-key) или проверьте ещё раз с --public-key.
evidence-receipt-key-mismatch = В квитанции указан ключ журнала { $receipt_key }, а не ключ, которым она проверяется ({ $key }): квитанция изменена.
evidence-receipt-key-malformed = Ключ журнала, записанный в квитанции, недействителен: { $detail }

## Причины неудачного захвата
evidence-capture-invalid-url = «{ $url }» — не адрес, который можно снять.
evidence-capture-scheme = Снимаются только адреса http и https, а не «{ $scheme }».
evidence-capture-port = Порт { $port } не снимается (только 80 и 443, если служба не разрешила другие).
evidence-capture-dns = Не удалось определить адрес сайта по имени: { $detail }
evidence-capture-refused-address = { $host } ведёт на { $address } — внутренний или зарезервированный адрес; такие адреса не запрашиваются.
evidence-capture-timeout = Сайт не ответил вовремя.
evidence-capture-connect = Не удалось подключиться к сайту: { $detail }
evidence-capture-tls = Не удалось установить защищённое соединение (TLS): { $detail }
evidence-capture-too-many-redirects = Сайт перенаправил больше { $limit } раз.
evidence-capture-protocol = Ответ сайта не является корректным HTTP: { $detail }
evidence-capture-store = Снимок не удалось сохранить: { $detail }

## Недостатки снимка, который всё же сохранён
evidence-problem-http-status = Сайт ответил HTTP-статусом { $status } (например, требование войти или страница ошибки).
evidence-problem-too-large = Страница больше допустимого размера; сохранено её начало.
evidence-problem-timeout = К истечению времени страница ещё загружалась; сохранено то, что пришло.
evidence-problem-disconnected = Соединение оборвалось во время загрузки; сохранено то, что пришло.
evidence-problem-decompression-limit = Сжатая страница распаковывается больше допустимого (возможная «бомба» сжатия); она сохранена в том виде, в каком пришла.
