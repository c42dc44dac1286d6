# Нұсқамалар мен хаттарды жеткізу: вебхуктер және электрондық пошта (crates/qorgau-delivery).

## Вебхук мекенжайын тіркеу (PUT /api/v1/owner/webhook)
delivery-webhook-url-invalid = Вебхук мекенжайы толық URL емес. Мекенжайды толық көрсетіңіз, мысалы https://hooks.example.kz/qorgau.
delivery-webhook-url-too-long = Вебхук мекенжайы { $limit } таңбадан ұзын.
delivery-webhook-url-not-https = Вебхук мекенжайы https:// деп басталуы керек («{ $scheme }» емес): нұсқамалар тек шифрланған байланыс арқылы жіберіледі.
delivery-webhook-url-credentials = Вебхук мекенжайында пайдаланушы аты немесе құпиясөз болмауы керек. Біздің хабарламаларды қолтаңба арқылы тексеріңіз.
delivery-webhook-url-fragment = Вебхук мекенжайында фрагмент («#» белгісінен кейінгі бөлік) болмауы керек.
delivery-webhook-url-no-host = Вебхук мекенжайында хост көрсетілмеген.
delivery-webhook-url-private-address = Вебхук мекенжайы { $address } мекенжайына апарады — бұл ішкі немесе резервтелген мекенжай; вебхуктер тек жария мекенжайларға жіберіледі.

## Вебхук құпиялары
delivery-secret-prefix = Вебхук құпиясы «whsec_» деп басталады.
delivery-secret-encoding = Вебхук құпиясы бүлінген: «whsec_» кейінгі бөлігі дұрыс base64 емес.
delivery-secret-length = Вебхук құпиясында { $length } байт бар; 24-тен 64-ке дейін рұқсат етіледі.
delivery-secret-randomness = Вебхук құпиясын жасау мүмкін болмады: жүйе кездейсоқ деректер бермеді ({ $detail }).

## Вебхук неге жеткізілмеді (әрекеттер тізімі және жеткізілмегендер тізімі)
delivery-webhook-no-secret = Бұл мекенжай үшін қолданыстағы қолтаңба құпиясы жоқ, сондықтан ештеңе жіберілмеді.
delivery-webhook-timeout = Вебхук мекенжайы уақытында жауап бермеді.
delivery-webhook-connect = Вебхук мекенжайына қосылу мүмкін болмады: { $detail }
delivery-webhook-protocol = Вебхук мекенжайының жауабы дұрыс HTTP емес: { $detail }
delivery-webhook-redirect = Вебхук мекенжайы қайта бағыттаумен жауап берді ({ $status }, «{ $location }» мекенжайына); қайта бағыттаулар орындалмайды. Иесі жаңа мекенжайды тіркеуі керек.
delivery-webhook-too-many-requests = Вебхук мекенжайы сирегірек жіберуді сұрады (HTTP 429).
delivery-webhook-server-error = Вебхук мекенжайы HTTP { $status } кодымен қате қайтарды.
delivery-webhook-client-error = Вебхук мекенжайы хабарламаны HTTP { $status } кодымен қабылдамады.

## Хат неге жеткізілмеді
delivery-mail-invalid-recipient = «{ $address }» дұрыс электрондық пошта мекенжайы емес.
delivery-mail-invalid-letter = Хатты құрастыру мүмкін болмады: { $detail }
delivery-mail-refused = Пошта сервері хатты біржола қабылдамады ({ $code }): { $detail }
delivery-mail-deferred = Пошта сервері хатты уақытша кейінге қалдырды ({ $code }): { $detail }
delivery-mail-timeout = Пошта сервері уақытында жауап бермеді.
delivery-mail-tls = Пошта серверімен қорғалған байланыс (TLS) орнатылмады: { $detail }
delivery-mail-connect = Пошта серверімен байланысу мүмкін болмады: { $detail }
