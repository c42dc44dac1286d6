# Анонимные опросы о распространённости травли: `qorgau survey analyze` (crates/qorgau-domain/src/survey.rs).

## Отказы в обработке файла опроса: номер строки (1 — заголовок) и причина.

survey-error-empty = Строка { $line }: файл пуст. Первой строкой должен быть заголовок { $header }
survey-error-wrong-header = Строка { $line }: первой строкой должен быть в точности заголовок { $header }, а в файле — «{ $found }».
survey-error-wrong-column-count = Строка { $line }: ожидалось значений через запятую: { $expected }, найдено: { $found }. Значения не могут содержать запятых.
survey-error-bad-respondent-id = Строка { $line }: respondent_id «{ $value }» не подходит: нужен анонимный код длиной от 1 до { $max } символов без управляющих символов.
survey-error-duplicate-respondent = Строка { $line }: респондент { $id } уже отвечал в строке { $first }; каждый респондент указывается один раз.
survey-error-bad-sex = Строка { $line }: пол указывается как f или m, а не «{ $value }».
survey-error-bad-age = Строка { $line }: возраст — целое число лет, а не «{ $value }».
survey-error-impossible-age = Строка { $line }: возраст { $age } невозможен в школьном или студенческом опросе; допускается возраст от { $min } до { $max } лет.
survey-error-bad-answer = Строка { $line }: { $column } — это 1 (да) или 0 (нет), а не «{ $value }».
survey-error-no-responses = Строка { $line }: в файле есть заголовок, но нет ни одного ответа.
survey-error-not-utf8 = Строка { $line }: это не текст в кодировке UTF-8. Сохраните файл как «CSV UTF-8».

## Таблица.

survey-title = Опрос: { $respondents ->
    [one] { $respondents } респондент
    [few] { $respondents } респондента
   *[other] { $respondents } респондентов
}
survey-col-group = Группа
survey-col-respondents = Респонденты
survey-measure-harassed-online = Подвергались травле онлайн
survey-measure-persecuted-offline = Подвергались преследованию офлайн
survey-all = Все респонденты
survey-sex-f = Пол: женский
survey-sex-m = Пол: мужской
survey-age-group = Возраст { $from }–{ $to }
survey-prevalence = { $share } % ({ $low }–{ $high })
survey-no-respondents = —
survey-note = Доли респондентов с 95-процентными доверительными интервалами Уилсона. У малой группы интервал широк: читайте его как «где-то в этих пределах».
