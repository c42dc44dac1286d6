# Отказы процедуры в выполнении команд (crates/qorgau-domain/src/procedure/command.rs).

phase-name = { $phase ->
    [received] получено
    [refused] отказано в рассмотрении
    [registered] зарегистрировано, ожидает экспертную группу
    [under_review] на рассмотрении экспертной группы
    [not_confirmed] решение: факты не подтверждены
    [confirmed] решение: факты подтверждены
   *[closed] закрыто
}
order-status-name = { $status ->
    [issued] выдано
    [delivered] доставлено
    [acknowledged] получение подтверждено
    [removal_reported] сообщено об удалении
    [removed] удалено
    [not_complied] не исполнено
   *[escalated] эскалировано
}
role-name = { $who ->
    [coordinator] координатор
    [chair] председатель экспертной группы (или заместитель)
    [expert] член экспертной группы
    [expert_group] экспертная группа
    [coordinator_or_chair] координатор или председатель
   *[addressee_or_coordinator] адресат предписания или координатор
}

procedure-wrong-phase = Сейчас это сделать нельзя: дело в состоянии «{ phase-name }».
procedure-already-decided = Решение уже принято { $date } (время Алматы).
procedure-not-allowed = Это может сделать только { role-name }.
procedure-extension-not-provided = Правовой режим { $regime } не предусматривает продления срока рассмотрения.
procedure-already-extended = Срок рассмотрения уже продлён до { $date }; продлить можно один раз.
procedure-extension-too-long = Срок рассмотрения можно продлить не далее чем до { $date } (15 календарных дней со дня поступления).
procedure-extension-too-short = Продлённый срок должен заканчиваться позже текущего срока — { $date }.
procedure-extension-too-late = Срок рассмотрения ({ $date }) истёк; продлить его уже нельзя.
procedure-no-extension = Срок рассмотрения не продлевался, уведомлять о продлении не о чем.
procedure-notice-already-sent = Заявитель уже уведомлён о продлении.
procedure-reason-required = Укажите { $field }: в деле должно быть сказано почему.
procedure-vote-category-mismatch = Голос «подтвердить» называет категорию (кибербуллинг, киберсталкинг или уголовные признаки); голос «не подтвердить» — категорию «нет».
procedure-indicators-without-criminal = Признаки преступления указываются только с категорией «уголовные признаки».
procedure-not-systematic = Кибербуллинг — это систематические действия: два и более раза. В деле зафиксировано эпизодов: { $incidents } (в этом деле и в делах с тем же аккаунтом или ресурсом). Чтобы всё же подтвердить, запишите обоснование экспертной группы.
procedure-order-needs-confirmed-decision = Предписание выносится только по подтверждённому решению экспертной группы.
procedure-url-not-in-case = { $url } не входит в интернет-ресурсы этого дела.
procedure-url-already-ordered = { $url } уже включён в предписание { $order }.
procedure-nothing-to-order = На все интернет-ресурсы этого дела предписания уже выданы.
procedure-unknown-order = В этом деле нет предписания { $order }.
procedure-order-wrong-status = Предписание { $order } в состоянии «{ order-status-name }»: этот шаг к нему не применим.
procedure-time-in-future = Время в будущем нельзя записать как уже наступившее.
procedure-removal-not-due = Срок удаления — { $date } (время Алматы) — ещё не истёк.
procedure-ladder-exhausted = Все ступени эскалации уже пройдены.
procedure-escalation-not-due = Следующая ступень эскалации наступает { $date } (время Алматы); чтобы действовать раньше, укажите причину.
procedure-escalation-paused = Эскалация по предписанию { $order } приостановлена.
procedure-escalation-not-paused = Эскалация по предписанию { $order } не приостановлена.
procedure-referral-not-warranted = Для направления в правоохранительные органы нужно подтверждённое решение о киберсталкинге или с признаками преступления.
procedure-already-referred = Дело уже направлено в правоохранительные органы.
procedure-response-already-sent = Ответ заявителю уже направлен.
procedure-response-before-outcome = Ответ сообщает результат рассмотрения, а его ещё нет.
procedure-not-ready-to-close = Дело пока нельзя закрыть: { $why ->
    [response_not_sent] заявителю ещё не дан ответ.
   *[orders_open] предписание ещё не исполнено (не удалено и эскалация не завершена).
}
