# Доказательства журнала и съёмка по запросу сотрудника (задача 4).

log-proof-beyond-log = В журнале { $size } листьев; дерево из { $tree_size } листьев выходит за его пределы.
log-proof-index-out-of-range = Листа { $index } нет в дереве из { $tree_size } листьев.
log-proof-first-after-second = Первое дерево ({ $first } листьев) больше второго ({ $second }).
log-proof-index-or-evidence = Укажите либо номер листа («index»), либо доказательство («evidence_id») — одно из двух.
capture-request-not-a-case-url = Этого адреса нет в деле; снимаются только адреса, указанные в деле.
capture-request-button = Снять сейчас
capture-request-label = Снять адрес из этого дела сейчас
evidence-screenshot = снимок экрана
evidence-dom = страница, как её показал браузер (HTML)
cli-capture-browser-missing = Браузер для снимков нельзя использовать: { $detail }. Укажите в QORGAU_CAPTURE_BROWSER путь к Chromium, «auto» или «off».
