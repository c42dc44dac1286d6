# Признаки преследования по хронологии одного лица в отношении одного ребёнка
# (crates/qorgau-domain/src/pursuit.rs). Это подсказки; решает экспертная группа.

pursuit-indicator-repeated-contact = Повторяющиеся нежелательные контакты
pursuit-indicator-cross-channel = Контакты на разных платформах или в разных каналах
pursuit-indicator-new-accounts-after-block = Новые аккаунты после блокировки или жалобы
pursuit-indicator-monitoring = Признаки слежки или отслеживания
pursuit-indicator-offline-spill = Преследование переходит в офлайн-жизнь

pursuit-finding-repeated-contact = Нежелательные контакты { $measured ->
    [one] в { $measured } день
    [few] в { $measured } разных дня
   *[other] в { $measured } разных дней
} в пределах { $within } дн. (порог — { $threshold }); основание — записей: { $entries }.
pursuit-finding-cross-channel = Нежелательные контакты на платформах или в каналах: { $measured } (порог — { $threshold }); основание — первый контакт в каждом из них.
pursuit-finding-new-accounts-after-block = Новых аккаунтов, начавших контакт в течение { $within } дн. после блокировки или жалобы: { $measured } (порог — { $threshold }).
pursuit-finding-monitoring = Записей, в которых видно знание местонахождения или распорядка ребёнка, передача геолокации или приложения слежки: { $measured } (порог — { $threshold }).
pursuit-finding-offline-spill = Записей, в которых преследование переходит в офлайн-жизнь (школа, дом, личная встреча): { $measured } (порог — { $threshold }).
pursuit-suggestion = Предлагаемая категория: киберсталкинг. Один человек — { $person } (аккаунты: { $accounts }) — обращался к ребёнку на платформах: { $platforms }; период: { $from } – { $to } (дней: { $days }); сработало признаков: { $count }. Решение и его мотивы принимает и записывает экспертная группа.
