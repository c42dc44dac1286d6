# Бір адамның бір балаға қатысты хронологиясы бойынша қудалау белгілері
# (crates/qorgau-domain/src/pursuit.rs). Бұл тек ұсыныс; шешімді сараптама тобы қабылдайды.

pursuit-indicator-repeated-contact = Қайталанатын қалаусыз байланыс
pursuit-indicator-cross-channel = Әртүрлі платформалардағы немесе арналардағы байланыс
pursuit-indicator-new-accounts-after-block = Бұғаттаудан немесе шағымнан кейінгі жаңа аккаунттар
pursuit-indicator-monitoring = Бақылау немесе аңду белгілері
pursuit-indicator-offline-spill = Қудалаудың офлайн өмірге ауысуы

pursuit-finding-repeated-contact = { $within } күн ішінде { $measured } түрлі күні қалаусыз байланыс болған (шегі — { $threshold }); негізі — { $entries } жазба.
pursuit-finding-cross-channel = Қалаусыз байланыс { $measured } платформада немесе арнада болған (шегі — { $threshold }); негізі — әрқайсысындағы алғашқы байланыс.
pursuit-finding-new-accounts-after-block = Аккаунт бұғатталғаннан немесе шағым түскеннен кейін { $within } күн ішінде { $measured } жаңа аккаунт байланысқа шыққан (шегі — { $threshold }).
pursuit-finding-monitoring = { $measured } жазбадан баланың қайда жүргенін немесе күн тәртібін білу, геолокация жіберу не аңду қосымшалары байқалады (шегі — { $threshold }).
pursuit-finding-offline-spill = { $measured } жазбада қудалау офлайн өмірге ауысқан: мектеп, үй, бетпе-бет кездесу (шегі — { $threshold }).
pursuit-suggestion = Ұсынылатын санат: киберсталкинг. Бір адам — { $person } (аккаунттары: { $accounts }) — балаға мына платформаларда хабарласқан: { $platforms }; кезең: { $from } – { $to } ({ $days } күн); { $count } белгі іске қосылды. Шешімді және оның себебін сараптама тобы қабылдап, тіркейді.
